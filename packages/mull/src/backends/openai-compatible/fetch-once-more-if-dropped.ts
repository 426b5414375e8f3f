import { isResendableDrop } from "../../runtime/index.ts";

/** A request whose body can be sent again as it is: a string, or none. */
export type ResendableInit = Omit<RequestInit, "body"> & { readonly body?: string };

/**
 * `fetcher(url, init)`, sent once more at once when the server dropped its connection before any response
 * arrived (`isResendableDrop`: `ECONNRESET`, `socket hang up`, `EPIPE`, undici's `other side closed`).
 * Servers close a kept-alive connection they are done with without saying so (llama.cpp's `llama-server`
 * after a streamed response; any server at its idle timeout), and a request written in the moment before
 * the close arrives meets a closed connection, which `fetch` reports as a failure. The second send goes
 * out on another connection, and its outcome is the answer, whatever it is.
 *
 * Sending a completion request again is safe here: `fetch` settles as the response's headers arrive, so a
 * failure before that means the server began no answer, and a request that generated nothing has nothing
 * to charge. `fetch` does not say whether the connection was a reused one, so any dropped connection is
 * sent once more: a server that drops every connection costs one extra request per attempt, and then
 * fails as before. A fetch that resends on its own (`mull serve`'s guarded fetch) marks its failures
 * settled (`markDropSettled`), and they are not sent again. A refused or timed-out connection, an abort
 * (`init.signal`) or any other failure rejects at once.
 *
 * @example
 * const response = await fetchOnceMoreIfDropped(fetch, url, { method: "POST", body: JSON.stringify(body), signal });
 */
export async function fetchOnceMoreIfDropped(
  fetcher: typeof fetch,
  url: string,
  init: ResendableInit,
): Promise<Response> {
  try {
    return await fetcher(url, init);
  } catch (thrown) {
    if (init.signal?.aborted === true || !isResendableDrop(thrown)) throw thrown;
    return fetcher(url, init);
  }
}
