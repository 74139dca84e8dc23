import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

/**
 * An internal command VS Code runs after it applies one of our server's quick fixes: the
 * walkthrough's "See a diagnostic and its fix" step completes on it (`onCommand:`). It does
 * nothing else and takes no arguments, so a command link that calls it can do no harm; it is
 * hidden from the command palette.
 */
export const QUICK_FIX_APPLIED = 'sagemakerContainerTools.quickFixApplied';

/**
 * The language client's middleware that attaches QUICK_FIX_APPLIED to each code action of our
 * server. Done here and not in the server: other LSP clients (smct lsp --stdio) know no such command.
 * An action that carries a command of its own keeps it (none of ours does today).
 */
export const markQuickFixes: Pick<Middleware, 'provideCodeActions'> = {
  async provideCodeActions(document, range, context, token, next) {
    const actions = await next(document, range, context, token);
    for (const action of actions ?? []) {
      if (action instanceof vscode.CodeAction && action.command === undefined) {
        action.command = { command: QUICK_FIX_APPLIED, title: 'Quick fix applied' };
      }
    }
    return actions;
  },
};

export function registerQuickFixApplied(): vscode.Disposable {
  return vscode.commands.registerCommand(QUICK_FIX_APPLIED, () => undefined);
}
