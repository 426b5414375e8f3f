import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { strategyCatalog, strategyCatalogMarkdown } from "./index.ts";

/** The source file of each entry in package.json's `exports`, by subpath. */
function entrySources(): Map<string, string> {
  const packageUrl = new URL("../package.json", import.meta.url);
  const manifest = JSON.parse(readFileSync(packageUrl, "utf8")) as {
    exports: Record<string, string | Record<string, string>>;
  };
  const sources = new Map<string, string>();
  for (const [subpath, targets] of Object.entries(manifest.exports)) {
    if (typeof targets === "object" && targets["mull-source"] !== undefined) {
      sources.set(subpath, fileURLToPath(new URL(targets["mull-source"], packageUrl)));
    }
  }
  return sources;
}

/** The type nodes of a declaration's public signature: parameters, results, members, heritage. */
function signatureTypeNodes(declaration: ts.Declaration): ts.Node[] {
  if (ts.isFunctionDeclaration(declaration)) {
    return [...declaration.parameters.map((parameter) => parameter.type), declaration.type].filter(
      (node) => node !== undefined,
    );
  }
  if (ts.isInterfaceDeclaration(declaration)) {
    return [...declaration.members, ...(declaration.heritageClauses ?? [])];
  }
  if (ts.isTypeAliasDeclaration(declaration)) return [declaration.type];
  if (ts.isVariableDeclaration(declaration) && declaration.type !== undefined) return [declaration.type];
  if (ts.isClassDeclaration(declaration)) {
    return declaration.members.filter(
      (member) =>
        !(ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)),
    );
  }
  return [];
}

/**
 * Each type that an entry's exported declarations name in their signatures, that its own module exports
 * and that no entry of the package exports, as `Type (in entry, used by Name)`.
 */
function unexportedSignatureTypes(): string[] {
  const entries = entrySources();
  const tsconfig = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));
  const config = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  )!;
  const program = ts.createProgram([...entries.values()], config.options);
  const checker = program.getTypeChecker();
  const target = (symbol: ts.Symbol) =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const exportsOf = (file: string) =>
    checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map(target);
  const exported = new Set([...entries.values()].flatMap(exportsOf));
  const sourceFolder = fileURLToPath(new URL(".", import.meta.url));
  const found = new Set<string>();
  for (const [subpath, file] of entries) {
    for (const symbol of exportsOf(file)) {
      const visit = (node: ts.Node): void => {
        const name = ts.isTypeReferenceNode(node)
          ? node.typeName
          : ts.isExpressionWithTypeArguments(node)
            ? node.expression
            : undefined;
        const referenced = name && checker.getSymbolAtLocation(name);
        const type = referenced && target(referenced);
        const declaration = type?.declarations?.[0];
        // A type its own module keeps to itself (a helper of a mapped type) is no public contract.
        const ownExport =
          declaration?.getSourceFile().fileName.startsWith(sourceFolder) === true &&
          (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Export) !== 0;
        if (type !== undefined && ownExport && !exported.has(type)) {
          found.add(`${type.getName()} (in ${subpath}, used by ${symbol.getName()})`);
        }
        // A function's body is no part of its signature.
        if (!ts.isBlock(node)) ts.forEachChild(node, visit);
      };
      for (const declaration of symbol.declarations ?? []) signatureTypeNodes(declaration).forEach(visit);
    }
  }
  return [...found].sort();
}

describe("the mull entry", () => {
  it("exports the catalog's Markdown tables, which the README's strategy tables are", () => {
    const searches = strategyCatalog.filter((entry) => entry.kind === "search");
    const lines = strategyCatalogMarkdown("search").split("\n");
    expect(lines).toHaveLength(searches.length + 2);
    expect(lines[0]).toMatch(/^\| spec +\| needs +\| search +\|$/);
    expect(lines[2]).toContain(`\`${searches[0]?.forms[0]}\``);
  });

  it("exports, from some entry, every type that a public signature of an entry names", () => {
    expect(unexportedSignatureTypes()).toEqual([]);
  }, 60_000);
});
