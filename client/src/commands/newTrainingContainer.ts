import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROJECT_TEMPLATES, initProject, isSmctError, type InitResult, type ProjectTemplate } from '../../../core/src';
import { projectFolderNameProblem } from './projectFolderName';

/** The four questions, in order. Tests give their own answers here, never through command arguments. */
export interface NewContainerQuestions {
  readonly template: (templates: readonly ProjectTemplate[]) => Thenable<ProjectTemplate | undefined>;
  readonly serving: () => Thenable<boolean | undefined>;
  /** The folder the new one goes in. */
  readonly parent: (suggested: vscode.Uri | undefined) => Thenable<vscode.Uri | undefined>;
  readonly name: (parent: string, template: ProjectTemplate) => Thenable<string | undefined>;
}

/** What a run did (for the integration tests): the project written, or the engine's refusal as shown. */
export type NewContainerOutcome = { readonly created: InitResult } | { readonly refused: string } | undefined;

const STEPS = 4;
const title = (step: number): string => `New Training Container (${step}/${STEPS})`;

const askTemplate: NewContainerQuestions['template'] = async (templates) =>
  (
    await vscode.window.showQuickPick(
      templates.map((template) => ({ label: template.title, description: template.description, template })),
      { title: title(1), placeHolder: 'Which framework does the training program use?' },
    )
  )?.template;

const askServing: NewContainerQuestions['serving'] = async () => {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Training only', detail: 'program/train: SageMaker runs "docker run IMAGE train"', serving: false },
      { label: 'Training and serving', detail: 'program/serve too: GET /ping and POST /invocations on port 8080, for an endpoint', serving: true },
    ],
    { title: title(2), placeHolder: 'Does the image serve the model too?' },
  );
  return picked?.serving;
};

const askParent: NewContainerQuestions['parent'] = async (suggested) =>
  (
    await vscode.window.showOpenDialog({
      title: `${title(3)}: the folder the new one goes in`,
      defaultUri: suggested,
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Create In This Folder',
    })
  )?.[0];

const askName: NewContainerQuestions['name'] = (parent, template) =>
  vscode.window.showInputBox({
    title: title(4),
    prompt: `The new folder in ${parent}; also the name of the job and of the image`,
    value: `my-${template.id}-job`,
    validateInput: (name) => projectFolderNameProblem(name, parent),
  });

/**
 * "SageMaker: New Training Container…": asks for a template, serving or not, and a new folder,
 * then has the engine (initProject) write the project, opens its Dockerfile and README, and offers
 * to open the folder. It runs nothing, so it works in Restricted Mode too; it writes only files
 * that do not exist (the engine refuses otherwise and writes nothing).
 */
export class NewTrainingContainer {
  private readonly ask: NewContainerQuestions;

  constructor(options: { readonly ask?: Partial<NewContainerQuestions> } = {}) {
    this.ask = { template: askTemplate, serving: askServing, parent: askParent, name: askName, ...options.ask };
  }

  async run(): Promise<NewContainerOutcome> {
    const template = await this.ask.template(PROJECT_TEMPLATES);
    if (!template) return undefined;
    const serving = await this.ask.serving();
    if (serving === undefined) return undefined;
    const parent = await this.ask.parent(vscode.workspace.workspaceFolders?.[0]?.uri);
    if (!parent) return undefined;
    if (parent.scheme !== 'file') {
      void vscode.window.showErrorMessage(`New Training Container writes to this machine's disk only: choose a local folder, not ${parent.toString()}.`);
      return undefined;
    }
    const name = await this.ask.name(parent.fsPath, template);
    if (name === undefined) return undefined;
    try {
      const created = await initProject({ folder: path.join(parent.fsPath, name), template: template.id, serving });
      await this.show(created);
      return { created };
    } catch (error) {
      if (!isSmctError(error)) throw error;
      void vscode.window.showErrorMessage(error.message);
      return { refused: error.message };
    }
  }

  /** The Dockerfile, then the README in front; the offer to open the folder waits for nobody. */
  private async show(created: InitResult): Promise<void> {
    const folder = vscode.Uri.file(created.folder);
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, 'Dockerfile'), { preview: false });
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, 'README.md'), { preview: false });
    const inWorkspace = vscode.workspace.getWorkspaceFolder(folder) !== undefined;
    const actions = inWorkspace ? ['Open Folder'] : ['Open Folder', 'Add to Workspace'];
    void vscode.window.showInformationMessage(`Created ${created.name} in ${created.folder} (${created.files.length} files).`, ...actions).then((action) => {
      if (action === 'Open Folder') return vscode.commands.executeCommand('vscode.openFolder', folder);
      if (action === 'Add to Workspace') {
        return vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri: folder });
      }
      return undefined;
    });
  }
}
