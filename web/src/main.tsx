import { render } from 'preact';
import { App } from './app.tsx';
import { registerServiceWorker } from './services/service-worker.ts';
import { language } from './i18n/index.ts';
import './styles.css';

document.documentElement.lang = language.value;
render(<App />, document.getElementById('app')!);
registerServiceWorker();
