// Lint rules: typescript-eslint's recommended set, plus the boundaries of docs/architecture.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'demo-data/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        Buffer: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // core/ runs in browsers and Node: it never reaches up into the UI, CLI or gateway.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/web/**', '**/cli/**', '**/gateway/**', 'preact', 'preact/*'] }],
    },
  },
  {
    // The gateway relays ciphertext and knows no SSH.
    files: ['gateway/**/*.{ts,mjs,js}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/core/ssh/**', '**/core/sftp/**', '**/core/keys/**', '**/web/**'] }],
    },
  },
  {
    files: ['core/ssh/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/core/sftp/**', '**/web/**', '**/cli/**', '**/gateway/**'] }],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'cli/**'],
    rules: { 'no-console': 'off' },
  },
);
