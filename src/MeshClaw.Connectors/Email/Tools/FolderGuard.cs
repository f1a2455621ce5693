using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// A run can never empty a folder: the folder's size is noted when the run first takes mail out of it, and the
/// move that would take the last message is refused. The note lives with the run (it ends when the run ends). The
/// user's undo is not a run acting: putting back every delete of a run may well empty the quarantine folder.
/// </summary>
public static class FolderGuard
{
    public static async Task CheckAsync(Mailbox mailbox, ToolContext context, string folder, CancellationToken cancellationToken)
    {
        if (context.IsUndo)
        {
            return;
        }

        var state = context.RunItems.TryGetValue(Key(mailbox, folder), out var seen) ? (FolderState)seen : null;
        if (state is null)
        {
            state = new FolderState(await mailbox.CountAsync(folder, cancellationToken));
            state = (FolderState)context.RunItems.GetOrAdd(Key(mailbox, folder), state);
        }

        if (state.Initial > 1 && state.Removed + 1 >= state.Initial)
        {
            throw new ToolArgumentException($"a run may never empty a folder: '{folder}' had {state.Initial} messages and this would take the last one");
        }
    }

    public static void Removed(ToolContext context, Mailbox mailbox, string folder) =>
        ((FolderState)context.RunItems.GetOrAdd(Key(mailbox, folder), _ => new FolderState(0))).Remove();

    private static string Key(Mailbox mailbox, string folder) => $"folder-guard|{mailbox.Account.Name}|{folder.ToUpperInvariant()}";

    private sealed class FolderState(int initial)
    {
        private int _removed;

        public int Initial => initial;
        public int Removed => Volatile.Read(ref _removed);

        public void Remove() => Interlocked.Increment(ref _removed);
    }
}
