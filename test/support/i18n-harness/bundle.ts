// Bundles a harness module with esbuild (already a dev dependency) for injection into the app page.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export async function bundleHarness(name: 'every-error'): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./${name}.tsx`, import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
