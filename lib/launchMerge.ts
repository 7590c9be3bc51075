import * as jsonc from "jsonc-parser";

import { LaunchDocument, OWNER } from "./ide";

/**
 * The merge of generated attach entries into a launch.json the developer already has. It edits
 * the text of our own entries only: every other entry, comment and blank line stays byte for
 * byte, in the file's own indentation and line endings.
 */

interface Style {
  /** One level of indentation, as the file uses it. */
  unit: string;
  eol: string;
}

/**
 * Merges generated entries into the text of an existing launch.json (JSON with comments). Our
 * entries (named with the OWNER prefix) are replaced in place, or removed when no longer
 * generated; new ones go after the last entry. Throws when the text cannot be parsed, rather
 * than overwrite a file the developer is editing.
 */
export function mergeLaunchJson(existing: string | undefined, generated: LaunchDocument): string {
  if (existing === undefined || existing.trim() === "") {
    return `${JSON.stringify(generated, null, 4)}\n`;
  }

  const style = styleOf(existing);
  let text = existing;
  const root = parse(text);
  if (jsonc.findNodeAtLocation(root, ["version"]) === undefined) {
    text = prependVersion(text, root, generated.version, style);
  }
  text = mergeList(text, "configurations", generated.configurations, style);
  text = mergeList(text, "compounds", generated.compounds, style);

  // Every edit above is local; a file that no longer parses would be a defect of ours.
  parse(text);
  return text;
}

function mergeList(text: string, key: string, generated: { name: string }[], style: Style) {
  const list = () => jsonc.findNodeAtLocation(parse(text), [key]);
  const found = list();
  if (found === undefined) {
    return generated.length === 0
      ? text
      : append(
          text,
          parse(text),
          (indent) => `"${key}": ${render(generated, indent, style)}`,
          style,
        );
  }
  if (found.type !== "array") {
    throw new Error(`launch.json: "${key}" is not a list; fix or remove it and run again`);
  }

  // The first of our entries with a generated name is replaced; ours without one go.
  const byName = new Map(generated.map((entry) => [entry.name, entry]));
  const placed = new Set<string>();
  const plan = (found.children ?? []).map((element): "keep" | "remove" | { name: string } => {
    const name = ownName(element);
    if (name === undefined) {
      return "keep";
    }
    const replacement = placed.has(name) ? undefined : byName.get(name);
    placed.add(name);
    return replacement ?? "remove";
  });

  // Last first, so the elements still to visit keep their indices.
  for (let index = plan.length - 1; index >= 0; index--) {
    const step = plan[index];
    if (step === "keep") {
      continue;
    }
    if (step === "remove") {
      text = removeElement(text, list()!, index);
      continue;
    }
    const element = list()!.children![index];
    const indent = lineIndent(text, element.offset);
    text = splice(text, element.offset, element.length, render(step, indent, style));
  }

  for (const entry of generated.filter((candidate) => !placed.has(candidate.name))) {
    text = append(text, list()!, (indent) => render(entry, indent, style), style);
  }
  return text;
}

function ownName(element: jsonc.Node): string | undefined {
  const name: unknown = jsonc.getNodeValue(element)?.name;
  return typeof name === "string" && name.startsWith(`${OWNER}: `) ? name : undefined;
}

/** Adds `"version": ...` as the object's first member. */
function prependVersion(text: string, root: jsonc.Node, version: string, style: Style): string {
  const first = root.children?.[0];
  if (first === undefined) {
    return append(text, root, () => `"version": "${version}"`, style);
  }
  const indent = startsLine(text, first.offset) ? lineIndent(text, first.offset) : style.unit;
  return splice(text, root.offset + 1, 0, `${style.eol}${indent}"version": "${version}",`);
}

/**
 * Adds a member after the last one of an array or object. It goes on a line of its own after
 * the last member's line, so a comment trailing that member stays with it; only a comma is
 * added to that line.
 */
function append(
  text: string,
  container: jsonc.Node,
  content: (indent: string) => string,
  style: Style,
): string {
  const close = container.offset + container.length - 1;
  const members = container.children ?? [];
  const outer = lineIndent(text, container.offset);
  const last = members.at(-1);

  if (last === undefined) {
    const indent = outer + style.unit;
    const body = `${style.eol}${indent}${content(indent)}${style.eol}${outer}`;
    const inner = text.slice(container.offset + 1, close);
    return inner.trim() === ""
      ? splice(text, container.offset + 1, inner.length, body)
      : splice(text, close, 0, body);
  }

  const lastEnd = last.offset + last.length;
  const indent = startsLine(text, last.offset)
    ? lineIndent(text, last.offset)
    : outer + style.unit;
  const comma = commaAfter(text, lastEnd);
  const lineEnd = endOfLine(text, lastEnd);
  const member = `${style.eol}${indent}${content(indent)}`;
  if (lineEnd < close) {
    text = splice(text, lineEnd, 0, member);
    return comma === undefined ? splice(text, lastEnd, 0, ",") : text;
  }
  // The container closes on the last member's line: continue right after it.
  return comma === undefined
    ? splice(text, lastEnd, 0, `,${member}`)
    : splice(text, comma + 1, 0, member);
}

/**
 * Removes one element with its comma. When it has the lines it stands on to itself, those
 * lines go too; comments around it on other lines stay.
 */
function removeElement(text: string, list: jsonc.Node, index: number): string {
  const element = list.children![index];
  let start = element.offset;
  let end = element.offset + element.length;
  const comma = commaAfter(text, end);
  let commaBefore: number | undefined;
  if (comma !== undefined) {
    end = comma + 1;
  } else if (index > 0) {
    const previous = list.children![index - 1];
    commaBefore = commaAfter(text, previous.offset + previous.length);
  }

  const rest = /^[ \t]*(\r?\n)?/.exec(text.slice(end))!;
  if (startsLine(text, start) && rest[1] !== undefined) {
    start = lineStart(text, start);
    end += rest[0].length;
  }
  text = splice(text, start, end - start, "");
  return commaBefore === undefined ? text : splice(text, commaBefore, 1, "");
}

/** The offset of the comma following `from`, past whitespace and comments only. */
function commaAfter(text: string, from: number): number | undefined {
  const scanner = jsonc.createScanner(text, false);
  scanner.setPosition(from);
  for (;;) {
    const token = scanner.scan();
    switch (token) {
      case jsonc.SyntaxKind.Trivia:
      case jsonc.SyntaxKind.LineBreakTrivia:
      case jsonc.SyntaxKind.LineCommentTrivia:
      case jsonc.SyntaxKind.BlockCommentTrivia:
        continue;
      case jsonc.SyntaxKind.CommaToken:
        return scanner.getTokenOffset();
      default:
        return undefined;
    }
  }
}

function parse(text: string): jsonc.Node {
  const errors: jsonc.ParseError[] = [];
  const root = jsonc.parseTree(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || root?.type !== "object") {
    const where = errors.map((error) => jsonc.printParseErrorCode(error.error)).join(", ");
    throw new Error(`launch.json is not valid JSON with comments (${where || "not an object"})`);
  }
  return root;
}

/** A value as the file would hold it, nested lines indented from `indent`. */
function render(value: unknown, indent: string, style: Style): string {
  return JSON.stringify(value, null, style.unit).split("\n").join(`${style.eol}${indent}`);
}

function styleOf(text: string): Style {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const indented = /\n([ \t]+)\S/.exec(text);
  if (indented === null) {
    return { unit: "    ", eol };
  }
  return { unit: indented[1].startsWith("\t") ? "\t" : indented[1], eol };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** The whitespace that begins the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];
}

function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

/** Where the line holding `offset` ends, before its line break. */
function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  if (newline === -1) {
    return text.length;
  }
  return text[newline - 1] === "\r" ? newline - 1 : newline;
}

function splice(text: string, offset: number, length: number, content: string): string {
  return text.slice(0, offset) + content + text.slice(offset + length);
}
