// Renderer entry: mounts the React app with the one stylesheet.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles/app.css';
import { applyTheme } from './lib/theme';

// The OS theme from the first paint; App follows the saved preference once settings load.
applyTheme('system');

createRoot(document.getElementById('root')!).render(<App />);
