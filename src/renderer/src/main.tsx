// Renderer entry: mounts the React app.
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<h1>vmdesk</h1>);
