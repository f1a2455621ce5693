namespace MeshClaw.Connectors.Email.Reconcile;

/// <summary>
/// Where the messages of one group of a batch move (one source, one target) really are, after a cut or a kill: found
/// by Message-ID in both folders. A message in both is a MOVE cut between its copy and its expunge; it is repaired by
/// removing the source copy, so exactly one copy stays, in the target.
/// </summary>
/// <param name="Moved">In the target only (after the repair): moved, and to be moved back on undo.</param>
/// <param name="NotMoved">Still in the source only: not filed.</param>
/// <param name="Missing">In neither folder (moved elsewhere by someone, or mail without a Message-ID that left the source).</param>
/// <param name="Repaired">How many were in both folders and were repaired.</param>
public sealed record BatchWhereabouts(IReadOnlyList<string> Moved, IReadOnlyList<string> NotMoved, IReadOnlyList<string> Missing, int Repaired)
{
    public static async Task<BatchWhereabouts> LookAsync(Mailbox mailbox, string from, string to, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var inSource = await mailbox.WhereaboutsAsync(from, ids, cancellationToken);
        var inTarget = await mailbox.WhereaboutsAsync(to, ids, cancellationToken);
        var (moved, notMoved, missing) = (new List<string>(), new List<string>(), new List<string>());
        var doubled = new List<MailKit.UniqueId>();
        var repaired = 0;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            switch (inSource.ContainsKey(id), inTarget.ContainsKey(id))
            {
                case (false, true):
                    moved.Add(id);
                    break;
                case (true, true):
                    doubled.AddRange(inSource[id]);
                    moved.Add(id);
                    repaired++;
                    break;
                case (true, false):
                    notMoved.Add(id);
                    break;
                default:
                    missing.Add(id);
                    break;
            }
        }

        if (doubled.Count > 0)
        {
            await mailbox.RemoveCopiesAsync(from, doubled, cancellationToken);
        }

        return new BatchWhereabouts(moved, notMoved, missing, repaired);
    }
}
