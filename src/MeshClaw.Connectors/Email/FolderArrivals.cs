using MailKit;
using MailKit.Net.Imap;

namespace MeshClaw.Connectors.Email;

/// <summary>
/// Waits on an open folder for new messages: IDLE where the server has it (re-issued every 9 minutes, as RFC 2177
/// asks), otherwise a NOOP at the polling interval; after each round in which the count rose, calls back. Only arrivals
/// count: mail leaving the folder lowers the count without a CountChanged, so the count is followed down too, or the
/// next arrival, which brings it back to where it was, would look like no change at all.
/// </summary>
public static class FolderArrivals
{
    public static async Task WaitAsync(ImapClient client, IMailFolder folder, TimeSpan pollEvery, TimeProvider time, Func<CancellationToken, Task> arrived,
        CancellationToken cancellationToken)
    {
        var known = folder.Count;
        var count = 0;
        CancellationTokenSource? done = null;
        folder.MessageExpunged += (_, _) => Interlocked.Exchange(ref known, folder.Count);
        folder.MessagesVanished += (_, _) => Interlocked.Exchange(ref known, folder.Count);
        folder.CountChanged += (_, _) =>
        {
            var now = folder.Count;
            if (now > Interlocked.Exchange(ref known, now))
            {
                Interlocked.Increment(ref count);
                try
                {
                    done?.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The IDLE it would end is already over; the arrival is counted for the next round.
                }
            }
        };
        var idle = client.Capabilities.HasFlag(ImapCapabilities.Idle);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (idle)
            {
                using (done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    done.CancelAfter(TimeSpan.FromMinutes(9));
                    await client.IdleAsync(done.Token, cancellationToken);
                    done = null;
                }
            }
            else
            {
                await Task.Delay(pollEvery, time, cancellationToken);
                await client.NoOpAsync(cancellationToken);
            }

            if (Interlocked.Exchange(ref count, 0) > 0)
            {
                await arrived(cancellationToken);
            }
        }
    }
}
