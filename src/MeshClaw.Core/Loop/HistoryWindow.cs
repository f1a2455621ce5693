using System.Globalization;
using System.Text;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;

namespace MeshClaw.Core.Loop;

/// <summary>
/// Keeps a session's earlier turns within the agent's context allowance, so a long session (or one huge message) never
/// rides along in every later request. Tool chatter is never in history to begin with. Newest turns go whole while they
/// fit; a turn too large for its share is cut to head and tail with a note naming the run that holds the rest; older
/// turns that no longer fit become one short deterministic recap. The new message is never cut here: whether it fits
/// is the budget's call, which refuses before sending. Tool results within a run are held to a share the same way.
/// </summary>
public static class HistoryWindow
{
    /// <summary>One earlier question or answer never takes more than this share of the history allowance.</summary>
    private const int TurnShare = 4;

    /// <summary>The recap of older turns takes at most this share of the history allowance.</summary>
    private const int RecapShare = 8;

    public sealed record Turn(string Input, string? Answer);

    /// <summary>
    /// The turns to send, oldest first, and a recap of the older ones (null when every turn fits). <paramref name="allowance"/>
    /// is in tokens, for the history alone.
    /// </summary>
    public static (string? Recap, IReadOnlyList<Turn> Turns) Fit(IReadOnlyList<RunRecord> history, long allowance)
    {
        var allowanceChars = Math.Max(0, allowance) * 4;
        var perTurn = Math.Max(400, allowanceChars / TurnShare);
        var (kept, rest) = Newest(history, allowanceChars, perTurn);
        if (rest == 0)
        {
            return (null, kept);
        }

        // Not everything fits: the recap's share is set aside first, and the newest turns fill the remainder.
        var recapLimit = Math.Max(200, allowanceChars / RecapShare);
        (kept, rest) = Newest(history, allowanceChars - recapLimit, perTurn);
        return (Recap([.. history.Take(rest)], recapLimit), kept);
    }

    /// <summary>The newest turns (each cut to <paramref name="perTurn"/>) that fit in <paramref name="chars"/>, oldest first, and how many older ones are left.</summary>
    private static (List<Turn> Kept, int Older) Newest(IReadOnlyList<RunRecord> history, long chars, long perTurn)
    {
        var kept = new List<Turn>();
        var used = 0L;
        var index = history.Count - 1;
        for (; index >= 0; index--)
        {
            var run = history[index];
            var turn = new Turn(Cut(run.Input, perTurn, run.Id.Value), run.Answer is null ? null : Cut(run.Answer, perTurn, run.Id.Value));
            var size = turn.Input.Length + (turn.Answer?.Length ?? 0);
            if (used + size > chars)
            {
                break;
            }

            kept.Add(turn);
            used += size;
        }

        kept.Reverse();
        return (kept, index + 1);
    }

    /// <summary>Head and tail of an over-long text, with what was cut and where the whole of it is.</summary>
    public static string Cut(string text, long limit, string runId) =>
        CutWithNote(text, limit, $"the whole text is in run {runId} (meshclaw runs show {runId})");

    /// <summary>
    /// A tool result larger than a quarter of the agent's context allowance, cut to head and tail: one huge file or
    /// listing must not crowd out everything else, and the model is told how to get the rest.
    /// </summary>
    public static string CutToolResult(string result, int contextTokens) =>
        CutWithNote(result, Math.Max(2000, contextTokens * 4L / TurnShare), "ask again for a part of it (a range, a filter, a narrower query) to see what is missing");

    private static string CutWithNote(string text, long limit, string note)
    {
        if (text.Length <= limit)
        {
            return text;
        }

        var keep = (int)Math.Max(100, limit - 200) / 2;
        var cut = text.Length - 2 * keep;
        return string.Create(CultureInfo.InvariantCulture, $"{text[..keep]}\n[... {cut:N0} characters cut to keep the context small; {note} ...]\n{text[^keep..]}");
    }

    /// <summary>The older turns, newest last, as one line each (the question's and answer's openings) within <paramref name="limit"/> characters.</summary>
    private static string Recap(IReadOnlyList<RunRecord> older, long limit)
    {
        var lines = new List<string>();
        var used = 0L;
        for (var i = older.Count - 1; i >= 0; i--)
        {
            var line = $"- asked: {Opening(older[i].Input, 100)}; answered: {Opening(older[i].Answer ?? "(no answer)", 160)}";
            if (used + line.Length > limit)
            {
                break;
            }

            lines.Add(line);
            used += line.Length + 1;
        }

        lines.Reverse();
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"Earlier in this session ({older.Count} older turn(s), recapped to keep the context small"));
        text.Append(lines.Count < older.Count ? string.Create(CultureInfo.InvariantCulture, $"; the {older.Count - lines.Count} oldest not shown):") : "):");
        foreach (var line in lines)
        {
            text.Append('\n').Append(line);
        }

        return text.ToString();
    }

    private static string Opening(string text, int length)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= length ? flat : flat[..length] + "...";
    }

    /// <summary>The history's share of an agent's allowance once its instructions and the new message are counted.</summary>
    public static long Allowance(int contextTokens, string instructions, string message) =>
        Math.Max(0, contextTokens - TokenEstimator.Estimate(instructions) - TokenEstimator.Estimate(message));
}
