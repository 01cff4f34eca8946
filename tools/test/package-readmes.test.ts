/**
 * A package README is read where the package lands: in node_modules and on the registry's page,
 * without the repository around it. So a link in it must point at a file the package itself
 * ships, or be absolute; a repository link must name this repository (package.json's
 * `repository.url`), so that it resolves to the docs the README means.
 */
import * as fs from 'fs';
import * as path from 'path';

const packagesDir = path.join(__dirname, '..', '..', 'packages');
const packageDirs = fs.readdirSync(packagesDir).filter((d) => fs.existsSync(path.join(packagesDir, d, 'README.md')));

/** Markdown link targets `[text](target)`, with the line they are on. */
function linkTargets(markdown: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  markdown.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) out.push({ target: m[1]!, line: i + 1 });
  });
  return out;
}

/** https://github.com/owner/name from `git+https://github.com/owner/name.git`. */
function repositoryWebUrl(pkgDir: string): string {
  const json = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const url = String(json.repository?.url ?? '');
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}

describe.each(packageDirs)('packages/%s/README.md', (dir) => {
  const pkgDir = path.join(packagesDir, dir);
  const links = linkTargets(fs.readFileSync(path.join(pkgDir, 'README.md'), 'utf8'));

  it('links only to files inside the package, or to absolute URLs', () => {
    const escaping = links.filter(({ target }) => {
      if (/^[a-z]+:/i.test(target) || target.startsWith('#')) return false;
      const resolved = path.resolve(pkgDir, target.split('#')[0]!);
      return !resolved.startsWith(pkgDir + path.sep) || !fs.existsSync(resolved);
    });
    expect(escaping.map(({ target, line }) => `line ${line}: ${target}`)).toEqual([]);
  });

  it("points repository links at package.json's repository", () => {
    const repo = repositoryWebUrl(pkgDir);
    expect(repo).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    const foreign = links.filter(({ target }) => target.startsWith('https://github.com/') && !target.startsWith(repo + '/'));
    expect(foreign.map(({ target, line }) => `line ${line}: ${target}`)).toEqual([]);
  });
});
