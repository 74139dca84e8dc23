import type { Analysis } from '../dockerfile/analysis';
import { DocumentText } from '../dockerfile/document';
import type { Fix, Rule } from './rule';
import { executedContextFiles, sourceRange, type ExecutedContextFile } from './helpers';

const MAX_FIXABLE_BYTES = 512 * 1024;

/**
 * A `\r` at the end of a shebang makes the kernel look for "python\r"; a shell reads
 * "$'\r': command not found". Both end in exit code 127 (contract §8 P5).
 */
export const SM403: Rule = {
  id: 'SM403',
  title: 'CRLF line endings in a script SageMaker runs',
  severity: 'error',
  appliesTo: 'any',
  check(analysis) {
    return executedContextFiles(analysis).flatMap((file) => {
      if (file.runBy === 'python') return [];
      const content = analysis.model.context.readFile(file.contextPath);
      if (!content || !content.includes('\r\n')) return [];
      const text = content.toString('utf8');
      const firstLine = text.split('\n')[0];
      const brokenShebang = firstLine.startsWith('#!') && firstLine.endsWith('\r');
      if (!brokenShebang && !isShellScript(file, firstLine)) return [];
      const problem = brokenShebang
        ? `its first line "${firstLine.slice(0, -1)}" ends in a carriage return, so the system looks for an interpreter named "…\\r"`
        : 'it is a shell script with CRLF line endings, so the shell fails with "$\'\\r\': command not found"';
      return [
        {
          range: sourceRange(file.copy, file.contextPath),
          message:
            `${file.contextPath} (run by SageMaker as ${file.imagePath}) has Windows (CRLF) line endings: ${problem}, and the job fails with exit code 127. ` +
            'Convert it to LF, and keep it so with ".gitattributes: *.sh text eol=lf".',
          fixes: toLf(analysis, file, content),
        },
      ];
    });
  },
};

function isShellScript(file: ExecutedContextFile, firstLine: string): boolean {
  if (file.runBy === 'shell') return true;
  if (firstLine.startsWith('#!')) return /\b(sh|bash|dash|ash|zsh|ksh)\b/.test(firstLine);
  return file.contextPath.endsWith('.sh');
}

function toLf(analysis: Analysis, file: ExecutedContextFile, content: Buffer): Fix[] {
  const absolute = analysis.model.context.absolutePath(file.contextPath);
  if (absolute === undefined || content.length >= MAX_FIXABLE_BYTES) return [];
  const text = content.toString('utf8');
  const whole = new DocumentText(text);
  return [
    {
      title: `Convert ${file.contextPath} to LF line endings`,
      edits: [{ file: absolute, range: whole.rangeAt(0, text.length), newText: text.replace(/\r\n/g, '\n') }],
    },
  ];
}
