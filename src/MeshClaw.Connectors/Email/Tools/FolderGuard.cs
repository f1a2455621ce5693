using System.Collections.Concurrent;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// A run can never empty a folder: the folder's size is noted when the run first takes mail out of it, and the
/// move that would take the last message is refused.
/// </summary>
public static class FolderGuard
{
    private static readonly ConcurrentDictionary<(string Run, string Account, string Folder), (int Initial, int Removed)> Seen = new();

    public static async Task CheckAsync(Mailbox mailbox, string runId, string folder, CancellationToken cancellationToken)
    {
        var key = (runId, mailbox.Account.Name, folder.ToUpperInvariant());
        if (!Seen.TryGetValue(key, out var state))
        {
            state = (await mailbox.CountAsync(folder, cancellationToken), 0);
            Seen[key] = state;
        }

        if (state.Initial > 1 && state.Removed + 1 >= state.Initial)
        {
            throw new ToolArgumentException($"a run may never empty a folder: '{folder}' had {state.Initial} messages and this would take the last one");
        }
    }

    public static void Removed(string runId, Mailbox mailbox, string folder) =>
        Seen.AddOrUpdate((runId, mailbox.Account.Name, folder.ToUpperInvariant()), (0, 1), (_, s) => (s.Initial, s.Removed + 1));
}
