// Renderer entry: mounts the React app with the one stylesheet.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles/app.css';

createRoot(document.getElementById('root')!).render(<App />);
