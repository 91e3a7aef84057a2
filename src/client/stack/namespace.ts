import { Connection } from '@temporalio/client';
import type { SearchAttributeType, StringValue } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { stackAddress, type StackSettings } from '../../core/stack/settings';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { waitFor } from './processes';

/** gRPC's NOT_FOUND: what describeNamespace answers for a namespace that does not exist. */
const GRPC_NOT_FOUND = 5;

/**
 * What docker-compose.temporal.yml's `temporal-setup` step does with the `temporal` CLI, through
 * the APIs it calls: the namespace with its retention, then Steward's search attributes (the
 * workflow's own SEARCH_ATTRIBUTES, the list the dev server gets as `--search-attribute` flags).
 * Idempotent: what exists is left alone. Returns the attributes it registered.
 */
export async function setUpNamespace(settings: StackSettings, report: (line: string) => void): Promise<string[]> {
  const { namespace } = settings;
  const connection = await Connection.connect({ address: stackAddress(settings), connectTimeout: 5000 });
  try {
    const exists = await connection.workflowService.describeNamespace({ namespace }).then(
      () => true,
      (err: { code?: number }) => {
        if (err.code === GRPC_NOT_FOUND) return false;
        throw err;
      },
    );
    if (!exists) {
      await connection.workflowService.registerNamespace({
        namespace,
        // The SDK's own duration parser, so `30d` means what it means to the `temporal` CLI.
        workflowExecutionRetentionPeriod: msToTs(settings.namespaceRetention as StringValue),
      });
      report(`namespace ${namespace}: created (retention ${settings.namespaceRetention})`);
    }
    // A new namespace reaches the server's namespace cache a few seconds after it is created.
    let registered: Set<string> = new Set();
    await waitFor(
      async () => {
        const listed = await connection.operatorService.listSearchAttributes({ namespace }).catch(() => null);
        registered = new Set(Object.keys(listed?.customAttributes ?? {}));
        return listed !== null;
      },
      60_000,
      `namespace ${namespace} to be usable`,
    );
    const missing = SEARCH_ATTRIBUTES.filter((key) => !registered.has(key.name));
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key.type)])),
      });
    }
    await waitUntilQueryable(connection, namespace);
    return missing.map((key) => key.name);
  } finally {
    await connection.close();
  }
}

function indexedValueType(type: SearchAttributeType) {
  const indexed = encodeSearchAttributeIndexedValueType(type);
  if (indexed === undefined) throw new Error(`no indexed value type for search attribute type ${type}`);
  return indexed;
}

/**
 * A workflow that sets an attribute the frontend does not know yet fails to start, and the
 * frontend learns new ones on its next namespace-cache refresh: wait until a list query naming
 * every attribute is accepted, as `temporal workflow list --query` would send it.
 */
async function waitUntilQueryable(connection: Connection, namespace: string): Promise<void> {
  const query = SEARCH_ATTRIBUTES.map((key) => `${key.name} = 'none'`).join(' AND ');
  await waitFor(
    () =>
      connection.workflowService.countWorkflowExecutions({ namespace, query }).then(
        () => true,
        () => false,
      ),
    60_000,
    `search attributes ${SEARCH_ATTRIBUTES.map((key) => key.name).join(', ')} in namespace ${namespace}`,
  );
}
