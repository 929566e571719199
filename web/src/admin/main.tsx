import { render } from 'preact';

import { setAudience } from '../api/client';
import { AdminApp } from './App';
import '../styles.css';

setAudience('admin');
const root = document.getElementById('app');
if (root) render(<AdminApp />, root);
