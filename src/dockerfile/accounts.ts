// Users and groups a Dockerfile creates, so a named USER resolves to its uid: `useradd`/`adduser`/
// `groupadd`/`addgroup`/`usermod -u` (shadow, Debian and busybox forms) in RUN commands, and lines written
// to /etc/passwd or /etc/group. Read from the shell text with the rules' command reader; never executed.
// Every loop runs over the words of one RUN, so the work is linear in the file.
import { commandsOf, type SimpleCommand } from '../rules/dockerfile/shell'
import type { AccountFact, RunFact } from './types'
import { parseNumericId, splitUserValue } from './user'

/** RUN text worth reading for accounts; anything else is skipped without tokenising. */
export const ACCOUNT_TEXT = /useradd|adduser|groupadd|addgroup|usermod|\/etc\/passwd|\/etc\/group/

/**
 * Expands one word of the RUN (`$UID`, `${APP_GID}`) with the stage's ARG and ENV values as the RUN's
 * environment has them; undefined when it cannot be known statically.
 */
export type WordResolver = (word: string) => string | undefined

/** Shell variables the RUN checks for assignments before trusting an ARG/ENV value (more are unresolved). */
const MAX_SHADOW_CHECKS_PER_RUN = 100

interface Options {
  /** Option letters / long names that take a value. */
  short: string
  long: Set<string>
}

const USERADD: Options = {
  short: 'bcdefgGkKpPRsuZ',
  long: new Set([
    'base-dir',
    'comment',
    'home-dir',
    'expiredate',
    'inactive',
    'gid',
    'groups',
    'skel',
    'key',
    'password',
    'root',
    'prefix',
    'shell',
    'uid',
    'selinux-user',
    'selinux-range'
  ])
}
const USERMOD: Options = { ...USERADD, short: 'cdefgGlpPRsuZ', long: new Set([...USERADD.long, 'login']) }
// busybox: -h DIR -g GECOS -s SHELL -G GROUP -k SKEL -u UID; Debian adduser: long options only.
const ADDUSER: Options = {
  short: 'hgsGku',
  long: new Set([
    'home',
    'gecos',
    'comment',
    'shell',
    'ingroup',
    'skel',
    'uid',
    'gid',
    'firstuid',
    'lastuid',
    'firstgid',
    'lastgid',
    'conf',
    'key'
  ])
}
const GROUPADD: Options = {
  short: 'gKpRPU',
  long: new Set(['gid', 'key', 'password', 'root', 'prefix', 'users'])
}
const ADDGROUP: Options = { short: 'g', long: new Set(['gid', 'firstgid', 'lastgid', 'conf']) }

interface Parsed {
  /** Short options by letter and long options by name; the last occurrence wins, as getopt leaves it. */
  opts: Map<string, string | true>
  operands: string[]
}

/** getopt-style: bundled short options (`-rmu 1000`, `-u1000`), `--long value`, `--long=value`, `--`. */
function parseOptions(args: string[], spec: Options): Parsed {
  const opts = new Map<string, string | true>()
  const operands: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') {
      operands.push(...args.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
      if (eq >= 0) opts.set(name, arg.slice(eq + 1))
      else if (spec.long.has(name) && i + 1 < args.length) opts.set(name, args[++i])
      else opts.set(name, true)
      continue
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]
        if (!spec.short.includes(letter)) {
          opts.set(letter, true)
          continue
        }
        const rest = arg.slice(j + 1)
        if (rest !== '') opts.set(letter, rest)
        else if (i + 1 < args.length) opts.set(letter, args[++i])
        break
      }
      continue
    }
    // Redirections (`>/dev/null`, `2>&1`) are not operands.
    if (/^\d*[<>]/.test(arg)) {
      if (/^\d*[<>]+&?$/.test(arg)) i++
      continue
    }
    operands.push(arg)
  }
  return { opts, operands }
}

function option(parsed: Parsed, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = parsed.opts.get(name)
    if (typeof value === 'string') return value
  }
  return undefined
}

function flag(parsed: Parsed, ...names: string[]): boolean {
  return names.some(name => parsed.opts.has(name))
}

/** Reads one RUN; `resolve` expands ids written with variables. */
export function accountsInRun(run: RunFact, resolve: WordResolver): AccountFact[] {
  if (!ACCOUNT_TEXT.test(run.text)) return []
  const reader = new IdReader(run, resolve)
  const accounts: AccountFact[] = []
  const commands = commandsOf(run)
  for (let i = 0; i < commands.length; i++) {
    const command = unwrapBusybox(commands[i])
    switch (command.base) {
      case 'useradd':
        pushUser(accounts, fromUseradd(command, run.line, reader))
        break
      case 'adduser':
        pushUser(accounts, fromAdduser(command, run.line, reader))
        break
      case 'usermod':
        pushUser(accounts, fromUsermod(command, run.line, reader))
        break
      case 'groupadd':
      case 'addgroup':
        pushUser(accounts, fromGroupadd(command, run.line, reader))
        break
      case 'echo':
      case 'printf': {
        const target = redirectTarget(command.args) ?? teeTarget(commands[i + 1])
        if (target) for (const fact of fromLines(command, target, run.line, reader)) accounts.push(fact)
        break
      }
    }
  }
  if (run.text.includes('<<')) {
    for (const fact of fromHeredocs(run.text, run.line, reader)) accounts.push(fact)
  }
  return accounts
}

/**
 * `cat >> /etc/passwd <<EOF` (or `tee -a /etc/passwd <<'EOF'`) with the lines in the heredoc body. One pass
 * over the text: each body is read once, from the line after its marker to the closing word.
 */
function fromHeredocs(text: string, line: number, reader: IdReader): AccountFact[] {
  const facts: AccountFact[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const marker = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(lines[i])
    if (!marker) continue
    const target = /(?:>>?|\btee\b[^|;&]*?)\s*(\/etc\/(?:passwd|group))\b/.exec(lines[i])?.[1]
    let end = i + 1
    while (end < lines.length && lines[end].trim() !== marker[2]) end++
    if (target) {
      const body: SimpleCommand = { name: 'cat', base: 'cat', args: lines.slice(i + 1, end) }
      for (const fact of fromLines(body, target, line, reader)) facts.push(fact)
    }
    i = end
  }
  return facts
}

/** `busybox adduser ...` is `adduser ...`. */
function unwrapBusybox(command: SimpleCommand): SimpleCommand {
  if (command.base !== 'busybox' || command.args.length === 0) return command
  const [name, ...args] = command.args
  return { name, base: name.slice(name.lastIndexOf('/') + 1), args }
}

function pushUser(accounts: AccountFact[], fact: AccountFact | undefined): void {
  if (fact) accounts.push(fact)
}

/** An id word: expanded when it holds a variable the RUN does not assign itself. */
class IdReader {
  private checks = 0
  private readonly shadowed = new Map<string, boolean>()
  constructor(
    private readonly run: RunFact,
    private readonly resolve: WordResolver
  ) {}

  /** A name or group word after expansion; as written when it cannot be expanded. */
  text(word: string): string {
    return this.expand(word) ?? word
  }

  /** The id's text after expansion (or undefined), and its number when it is one. */
  read(word: string): { id?: number; text?: string } {
    const value = this.expand(word)
    if (value === undefined) return { text: word }
    const id = parseNumericId(value)
    return id === undefined ? { text: value } : { id }
  }

  private expand(word: string): string | undefined {
    if (!word.includes('$')) return word
    for (const match of word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (this.isShadowed(match[1])) return undefined
    }
    return this.resolve(word)
  }

  /** True when the RUN itself may set the variable (`UID=0 && useradd -u $UID`, `for`, `read`). */
  private isShadowed(name: string): boolean {
    const known = this.shadowed.get(name)
    if (known !== undefined) return known
    if (++this.checks > MAX_SHADOW_CHECKS_PER_RUN) return true
    const text = this.run.text
    const shadowed =
      new RegExp(`(^|[^A-Za-z0-9_$])${name}=`).test(text) ||
      new RegExp(`\\b(for|read|export|local)\\b[^;&|\\n]*\\b${name}\\b`).test(text)
    this.shadowed.set(name, shadowed)
    return shadowed
  }
}

function account(
  kind: AccountFact['kind'],
  name: string,
  idWord: string | undefined,
  via: string,
  line: number,
  reader: IdReader
): AccountFact {
  const fact: AccountFact = { kind, name: reader.text(name), via, line }
  if (idWord !== undefined) {
    const { id, text } = reader.read(idWord)
    if (id !== undefined) fact.id = id
    else if (text !== undefined) fact.idText = text
  }
  return fact
}

function fromUseradd(command: SimpleCommand, line: number, reader: IdReader): AccountFact | undefined {
  const parsed = parseOptions(command.args, USERADD)
  const name = parsed.operands[parsed.operands.length - 1]
  if (name === undefined || flag(parsed, 'D', 'defaults')) return undefined
  const fact = account('user', name, option(parsed, 'u', 'uid'), 'useradd', line, reader)
  const group = option(parsed, 'g', 'gid')
  if (group !== undefined) fact.group = reader.text(group)
  if (flag(parsed, 'o', 'non-unique')) fact.nonUnique = true
  return fact
}

function fromAdduser(command: SimpleCommand, line: number, reader: IdReader): AccountFact | undefined {
  const parsed = parseOptions(command.args, ADDUSER)
  // `adduser USER GROUP` adds an existing user to a group; only one operand creates a user.
  if (parsed.operands.length !== 1) return undefined
  const name = parsed.operands[0]
  const fact = account('user', name, option(parsed, 'u', 'uid'), 'adduser', line, reader)
  // busybox -G / --ingroup name the primary group (busybox -g is the GECOS field); Debian --gid is its id.
  const group = option(parsed, 'G', 'ingroup', 'gid') ?? (flag(parsed, 'group') ? name : undefined)
  if (group !== undefined) fact.group = reader.text(group)
  return fact
}

function fromUsermod(command: SimpleCommand, line: number, reader: IdReader): AccountFact | undefined {
  const parsed = parseOptions(command.args, USERMOD)
  const name = parsed.operands[parsed.operands.length - 1]
  const uid = option(parsed, 'u', 'uid')
  const group = option(parsed, 'g', 'gid')
  if (name === undefined || (uid === undefined && group === undefined)) return undefined
  const fact = account('user', name, uid, 'usermod', line, reader)
  if (group !== undefined) fact.group = reader.text(group)
  if (flag(parsed, 'o', 'non-unique')) fact.nonUnique = true
  return fact
}

function fromGroupadd(command: SimpleCommand, line: number, reader: IdReader): AccountFact | undefined {
  const addgroup = command.base === 'addgroup'
  const parsed = parseOptions(command.args, addgroup ? ADDGROUP : GROUPADD)
  // `addgroup USER GROUP` adds a user to a group.
  if (addgroup ? parsed.operands.length !== 1 : parsed.operands.length === 0) return undefined
  const name = parsed.operands[parsed.operands.length - 1]
  return account('group', name, option(parsed, 'g', 'gid'), command.base, line, reader)
}

const ACCOUNT_FILES = new Set(['/etc/passwd', '/etc/group'])

/** `>> /etc/passwd`, `>>/etc/passwd`, `> /etc/group` among a command's words. */
function redirectTarget(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const joined = /^\d*>[>|]?(.+)$/.exec(args[i])
    if (joined && ACCOUNT_FILES.has(joined[1])) return joined[1]
    if (/^\d*>[>|]?$/.test(args[i]) && ACCOUNT_FILES.has(args[i + 1])) return args[i + 1]
  }
  return undefined
}

/** `echo ... | tee -a /etc/passwd`: the next command of the RUN. */
function teeTarget(next: SimpleCommand | undefined): string | undefined {
  if (!next || next.base !== 'tee') return undefined
  return next.args.find(arg => ACCOUNT_FILES.has(arg))
}

/** passwd lines (`name:x:uid:gid:...`) or group lines (`name:x:gid:...`) an echo/printf writes. */
function fromLines(command: SimpleCommand, target: string, line: number, reader: IdReader): AccountFact[] {
  const facts: AccountFact[] = []
  const passwd = target === '/etc/passwd'
  for (let i = 0; i < command.args.length; i++) {
    const word = command.args[i]
    if (/^\d*[<>]/.test(word)) {
      if (/^\d*>[>|]?$/.test(word)) i++
      continue
    }
    if (/^-[neE]+$/.test(word)) continue
    for (const entry of word.split(/\\n|\n/)) {
      const fields = entry.split(':')
      if (fields.length < (passwd ? 4 : 3) || !/^[A-Za-z0-9_.][A-Za-z0-9_.$-]*$/.test(fields[0])) continue
      const fact = account(passwd ? 'user' : 'group', fields[0], fields[2], target, line, reader)
      if (passwd && fields[3] !== '') fact.group = fields[3]
      // A passwd file holds duplicate uids without complaint: uid 0 under another name is a second root.
      if (passwd) fact.nonUnique = true
      facts.push(fact)
    }
  }
  return facts
}

/** What a USER value resolves to against the accounts a lineage creates. */
export interface ResolvedUser {
  uid?: number
  gid?: number
  /** The account the user name names, when the Dockerfile creates it. */
  account?: AccountFact
  /** True when the account's uid could not be resolved and may be 0 (`useradd -o -u $X`, a passwd line). */
  mayBeRoot?: boolean
}

/**
 * The accounts of one lineage, filled stage by stage in file order. For a name, the first passwd entry is
 * the one the runtime reads; `useradd` of an existing name fails the build; `usermod -u` changes the uid.
 */
export class AccountTable {
  private readonly users = new Map<string, AccountFact>()
  private readonly groups = new Map<string, AccountFact>()

  add(fact: AccountFact): void {
    const table = fact.kind === 'user' ? this.users : this.groups
    const existing = table.get(fact.name)
    if (fact.via !== 'usermod') {
      if (!existing) table.set(fact.name, fact)
      return
    }
    // usermod changes what it is given and keeps the rest.
    const merged: AccountFact = { ...(existing ?? { kind: 'user', name: fact.name }), ...fact }
    if (fact.id === undefined && fact.idText === undefined && existing) {
      if (existing.id !== undefined) merged.id = existing.id
      if (existing.idText !== undefined) merged.idText = existing.idText
      if (existing.nonUnique) merged.nonUnique = true
    } else if (fact.id !== undefined) delete merged.idText
    table.set(fact.name, merged)
  }

  /** Also resolves names the base image is known to define (e.g. `jenkins` = 1000 in jenkins/jenkins). */
  resolve(value: string, baseUser?: { user: string; uid: number }): ResolvedUser {
    const { user, group } = splitUserValue(value)
    const result: ResolvedUser = {}
    const numeric = parseNumericId(user)
    const found = numeric === undefined ? this.users.get(user) : undefined
    if (numeric !== undefined) result.uid = numeric
    else if (found) {
      result.account = found
      if (found.id !== undefined) result.uid = found.id
      else if (found.idText !== undefined && found.nonUnique) result.mayBeRoot = true
    } else if (baseUser && baseUser.user === user) result.uid = baseUser.uid
    const groupName = group ?? found?.group
    if (groupName !== undefined && groupName !== '') {
      const gid = parseNumericId(groupName) ?? this.groups.get(groupName)?.id
      if (gid !== undefined) result.gid = gid
    }
    return result
  }
}

/** `useradd -o -u 0 on line 3`, for messages. */
export function describeAccount(fact: AccountFact): string {
  const id = fact.id !== undefined ? String(fact.id) : (fact.idText ?? 'an id it picks')
  if (fact.via.startsWith('/')) return `a line written to ${fact.via} on line ${fact.line} gives it uid ${id}`
  return `${fact.via}${fact.nonUnique ? ' -o' : ''} on line ${fact.line} gives it uid ${id}`
}
