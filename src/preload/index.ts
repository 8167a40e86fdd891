// The preload bridge: one named function per operation (the contract fills this in).
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('api', {});
