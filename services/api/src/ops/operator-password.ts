// Which operator passwords the API refuses at start-up: ones a guesser tries
// first. The length rule (12+) lives in env.ts; this catches long-enough
// passwords that are still known: placeholders, common words padded with
// digits, the user name, repeats.

/** Placeholders sample configs (ours included, past and present) ship; refused even inside a longer password. */
const PLACEHOLDERS = ['changethispassword', 'changeme', 'changeit', 'localoperator', 'yourpassword', 'setme'];

/** The most common passwords and keyboard walks, compared after padding digits are stripped. */
const COMMON = new Set([
  'password',
  'passw0rd',
  'p4ssw0rd',
  'pass',
  'admin',
  'administrator',
  'operator',
  'root',
  'toor',
  'secret',
  'default',
  'letmein',
  'welcome',
  'guest',
  'test',
  'user',
  'login',
  'master',
  'qwerty',
  'qwertyuiop',
  'qwertyuiopasdf',
  'asdfghjkl',
  'zxcvbnm',
  'qazwsx',
  'qazwsxedc',
  '1qaz2wsx',
  '1qaz2wsx3edc',
  'abc',
  'abcdef',
  'abcdefgh',
  'iloveyou',
  'monkey',
  'dragon',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'superman',
  'trustno1',
  'opensesame',
  'correcthorsebatterystaple',
  'bullboard',
  'backups',
]);

/** Lower case, letters and digits only: `Change-This_Password` and `changethispassword` are one password. */
const canonical = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A reason the password is guessable, or null. Never includes the password itself (it may reach a log). */
export function weakOperatorPassword(password: string, user: string | undefined): string | null {
  const pw = canonical(password);
  const name = user === undefined ? '' : canonical(user);
  if (name && (pw === name || (name.length >= 3 && pw.includes(name)))) return 'it contains OPERATOR_USER';
  if (PLACEHOLDERS.some((p) => pw.includes(p))) return 'it is a placeholder from a sample configuration';
  // `Password1234!`, `2024admin2024`: a common word padded with digits is that word.
  const core = pw.replace(/^\d+|\d+$/g, '');
  if (core === '') return 'it is only digits and punctuation';
  if (new Set(core).size < 5) return 'it repeats too few different characters';
  if ([pw, core].some(isCommonRepeated)) return 'it is one of the most common passwords';
  return null;
}

/** `admin`, `adminadminadmin`: one common password, once or over and over. */
function isCommonRepeated(s: string): boolean {
  for (const word of COMMON) {
    if (s.length % word.length === 0 && s === word.repeat(s.length / word.length)) return true;
  }
  return false;
}
