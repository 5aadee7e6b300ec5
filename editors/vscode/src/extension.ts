// The claimlens extension: starts `claimlens lsp` for the plain-text and
// Markdown files of the workspace and hands the editor's features to
// vscode-languageclient. Everything the server offers (hover, definition,
// references, diagnostics, semantic tokens, code lenses, code actions and
// its commands) comes through the client; this file only finds the binary,
// passes the settings and adds the commands around the server's life.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

const SECTION = 'claimlens';
let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

/** The server's settings: only what the server reads, never nulls. */
function serverSettings(): { maxFileBytes?: number } {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const max = cfg.get<number | null>('maxFileBytes');
  return typeof max === 'number' && max > 0 ? { maxFileBytes: max } : {};
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = path.join(dir, name + ext);
      if (isExecutable(p)) return p;
    }
  }
  return undefined;
}

/** Where the server binary is: the setting, else the packaged one, else PATH. */
function findServer(context: vscode.ExtensionContext): { path?: string; problem?: string } {
  let configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path', '').trim();
  if (configured) {
    if (configured === '~' || configured.startsWith('~/')) {
      configured = path.join(os.homedir(), configured.slice(1));
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!path.isAbsolute(configured) && folder) configured = path.join(folder, configured);
    return isExecutable(configured)
      ? { path: configured }
      : { problem: `claimlens.server.path is set to "${configured}", which is not an executable file.` };
  }
  const exe = process.platform === 'win32' ? 'claimlens.exe' : 'claimlens';
  const packaged = context.asAbsolutePath(path.join('server', exe));
  if (isExecutable(packaged)) return { path: packaged };
  const found = onPath('claimlens');
  if (found) return { path: found };
  return {
    problem:
      'Cannot find the claimlens server: this extension was packaged without it and there is no `claimlens` on PATH. ' +
      'Install it (cargo install --path . in the claimlens repository) or set claimlens.server.path.',
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const server = findServer(context);
  if (!server.path) {
    output.appendLine(`[claimlens] ${server.problem}`);
    const choice = await vscode.window.showErrorMessage(server.problem!, 'Open Settings', 'Show Log');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'claimlens.server.path');
    } else if (choice === 'Show Log') {
      output.show(true);
    }
    return;
  }
  output.appendLine(`[claimlens] starting ${server.path} lsp`);
  const serverOptions: ServerOptions = {
    command: server.path,
    args: ['lsp'],
    options: { env: { ...process.env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'plaintext' },
      { scheme: 'file', language: 'markdown' },
    ],
    outputChannel: output,
    initializationOptions: serverSettings(),
    middleware: {
      workspace: {
        // Answer the server's workspace/configuration for our section with
        // the cleaned settings (VS Code's own answer carries nulls and the
        // client-only keys).
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) return answer;
          return params.items.map((item, i) => (item.section === SECTION ? serverSettings() : answer[i]));
        },
      },
    },
  };
  const c = new LanguageClient('claimlens', 'claimlens', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    const msg = `claimlens server failed to start (${server.path} lsp): ${e instanceof Error ? e.message : String(e)}`;
    output.appendLine(`[claimlens] ${msg}`);
    void vscode.window.showErrorMessage(msg, 'Show Log').then((c) => c && output.show(true));
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) return;
  try {
    if (c.state !== State.Stopped) await c.stop(5000);
  } catch (e) {
    output.appendLine(`[claimlens] error while stopping the server: ${e instanceof Error ? e.message : String(e)}`);
  }
  await c.dispose().catch(() => undefined);
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stopClient();
  await startClient(context);
}

interface Conflict {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  code: string;
}

/** Every figure conflict of the corpus in a quick pick; picking one opens it. */
async function showConflicts(): Promise<void> {
  if (!client || client.state !== State.Running) {
    void vscode.window.showWarningMessage('The claimlens server is not running.');
    return;
  }
  const list = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: 'claimlens.listConflicts',
    arguments: [],
  })) as Conflict[] | null;
  if (!list || list.length === 0) {
    void vscode.window.showInformationMessage('claimlens: no figure conflicts in the workspace.');
    return;
  }
  const items = list.map((c) => {
    const uri = vscode.Uri.parse(c.uri);
    return {
      label: c.message,
      description: `${vscode.workspace.asRelativePath(uri)}:${c.range.start.line + 1}`,
      uri,
      range: new vscode.Range(c.range.start.line, c.range.start.character, c.range.end.line, c.range.end.character),
    };
  });
  const pick = await vscode.window.showQuickPick(items, {
    title: `claimlens: ${items.length} figure conflict${items.length === 1 ? '' : 's'}`,
    matchOnDescription: true,
  });
  if (pick) await vscode.window.showTextDocument(pick.uri, { selection: pick.range });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('claimlens');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('claimlens.restartServer', () => restart(context)),
    vscode.commands.registerCommand('claimlens.showServerLog', () => output.show(true)),
    vscode.commands.registerCommand('claimlens.showConflicts', showConflicts),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('claimlens.server.path')) {
        await restart(context);
      } else if (e.affectsConfiguration('claimlens.maxFileBytes') && client?.state === State.Running) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: serverSettings() },
        });
      }
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
