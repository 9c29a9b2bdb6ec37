// Refuses, before execution, operations deeper than MAX_DEPTH or with more than MAX_ALIASES
// aliases (DESIGN.md, "Contract"). Used on HTTP and on the WebSocket alike.
import { Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';
import { queryTooComplex } from '../errors.js';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 20;

function depthOf(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, visiting: Set<string>): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, visiting) : 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      if (visiting.has(name) || !fragments[name]) continue;
      visiting.add(name);
      deepest = Math.max(deepest, depthOf(fragments[name].selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}

export function operationLimits(context: ValidationContext): ASTVisitor {
  const document = context.getDocument();
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  let aliases = 0;
  return {
    Field(node) {
      if (node.alias) aliases++;
    },
    Document: {
      leave() {
        if (aliases > MAX_ALIASES) context.reportError(queryTooComplex({ fr: `Requête refusée : plus de ${MAX_ALIASES} alias.`, en: `Query refused: more than ${MAX_ALIASES} aliases.` }));
      },
    },
    OperationDefinition(node) {
      if (depthOf(node.selectionSet, fragments, new Set()) > MAX_DEPTH) {
        context.reportError(queryTooComplex({ fr: `Requête refusée : profondeur supérieure à ${MAX_DEPTH}.`, en: `Query refused: depth greater than ${MAX_DEPTH}.` }));
      }
    },
  };
}
