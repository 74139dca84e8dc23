import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// The entry point VS Code starts (over IPC); `smct lsp --stdio` uses the same startServer.
startServer(createConnection(ProposedFeatures.all));
