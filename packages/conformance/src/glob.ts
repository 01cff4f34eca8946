/**
 * Case filters. Case ids contain '/', '[', ']' and ',' (shapes), so only two wildcards exist:
 * '*' matches any run of characters (slashes included) and '?' one character; everything else is
 * literal. A pattern without wildcards selects that id and every id below it
 * ('merge/residual' selects 'merge/residual/plain/NCHW/[2,3,4,5]'). Several patterns may be given
 * separated by '|'; a case matches when any does.
 */

function patternToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

/** A predicate on case ids; undefined or '' selects everything. */
export function caseFilter(filter: string | undefined): (id: string) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const tests = filter
    .split('|')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => {
      if (p.includes('*') || p.includes('?')) {
        const re = patternToRegExp(p);
        return (id: string) => re.test(id);
      }
      const prefix = p.endsWith('/') ? p : `${p}/`;
      return (id: string) => id === p || id.startsWith(prefix);
    });
  return (id) => tests.some((t) => t(id));
}

/** The group of a case in reports: its first two id segments ('merge/residual', 'op/conv2d'). */
export function caseGroup(id: string): string {
  return id.split('/').slice(0, 2).join('/');
}
