// A FileZilla-like session log for the help line: what happened, when, and never a secret.
// Callers log events and facts; anything that looks like a secret is masked on the way in, and
// control characters (a server's file names and messages end up here) are made visible, so every
// entry is one line and no line can be forged.
import { escapeControls } from '../text/control-chars.ts';

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  at: string;
  level: LogLevel;
  message: string;
}

const SECRET_PATTERNS: RegExp[] = [
  /(pass(word|phrase)?|secret|token)\s*[:=]\s*\S+/gi,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /PuTTY-User-Key-File-[23][\s\S]*/g,
];

export function redact(text: string): string {
  return SECRET_PATTERNS.reduce((t, re) => t.replace(re, (m) => `${m.split(/[:=\s]/)[0]}: [hidden]`), text);
}

export class SessionLog {
  private readonly entries: LogEntry[] = [];
  private readonly listeners = new Set<(e: LogEntry) => void>();

  constructor(private readonly limit = 5000, private readonly clock: () => Date = () => new Date()) {}

  add(level: LogLevel, message: string): void {
    const entry = { at: this.clock().toISOString(), level, message: escapeControls(redact(message)) };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    for (const l of this.listeners) l(entry);
  }

  info(message: string): void {
    this.add('info', message);
  }

  warn(message: string): void {
    this.add('warn', message);
  }

  error(message: string): void {
    this.add('error', message);
  }

  all(): readonly LogEntry[] {
    return this.entries;
  }

  subscribe(listener: (e: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  text(): string {
    return this.entries.map((e) => `${e.at} ${e.level.toUpperCase().padEnd(5)} ${e.message}`).join('\n') + '\n';
  }
}
