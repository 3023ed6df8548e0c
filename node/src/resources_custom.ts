/**
 * The hand-written methods of the resource classes: the ones whose signature
 * or behaviour the route table cannot give (profile pictures as bytes, bulk
 * helpers with `batchSize`). The generated class of a resource (`Dns` in
 * `resources.ts`) extends its `<Resource>Custom` class here, and cmr-codegen
 * does not generate the methods defined here (it reads this file for the
 * `export class <Name>Custom` declarations and their methods' names).
 */
import { Resource, type RequestOptions, type UserRef } from './resource';
import type * as M from './models';
import type { Dns, Orders } from './resources';

/** A profile picture of a multipart order; `data` is the bytes (or a base64 string). */
export type ProfilePictureInput = Omit<M.ProfilePicture, 'data'> & { data: Uint8Array | string };

function pictures(files: ProfilePictureInput[] | undefined): M.ProfilePicture[] | undefined {
  return files?.map((f) => ({
    ...f,
    data: typeof f.data === 'string' ? f.data : Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64'),
  }));
}

export abstract class DnsCustom extends Resource {
  /**
   * Add many records (any domains of the user) in few requests, paced at CMR's
   * 5 req/s. One result per record, in input order: `succeeded`, `failed` (not
   * applied) or `maybe_applied` (check with {@link Dns.find} before resending).
   */
  addMany(args: UserRef & { records: M.BulkDnsRecord[]; batchSize?: number }, opts?: RequestOptions): Promise<M.BulkResult> {
    return this.call('dns.add_many', args, opts);
  }
}

export abstract class OrdersCustom extends Resource {
  /** The multipart form of `create`, with profile pictures as files. */
  createMultipart(args: UserRef & M.CreateOrder & { files?: ProfilePictureInput[] }, opts?: RequestOptions): Promise<M.OrderCreated> {
    return this.call('orders.create_multipart', { ...args, files: pictures(args.files) }, opts);
  }
  /** @deprecated Deprecated upstream: use {@link Orders.orderMailboxes}. */
  addMailboxesToSubscription(
    args: UserRef & M.AddMailboxesToSubscription & { files?: ProfilePictureInput[] },
    opts?: RequestOptions,
  ): Promise<M.OrderCreated> {
    return this.call('orders.add_mailboxes_to_subscription', { ...args, files: pictures(args.files) }, opts);
  }
}

export abstract class MailboxesCustom extends Resource {
  /** Apply many mailbox changes in few requests, paced at CMR's 5 req/s; one result per change, in input order. */
  updateAll(args: UserRef & { changes: M.MailboxUpdate[]; batchSize?: number }, opts?: RequestOptions): Promise<M.BulkResult> {
    return this.call('mailboxes.update_all', args, opts);
  }
}
