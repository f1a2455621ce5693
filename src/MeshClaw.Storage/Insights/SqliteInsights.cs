using Dapper;
using MeshClaw.Core.Insights;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Insights;

/// <summary>
/// The value side of the ledger: what the tokens bought (outcomes), what was settled by rules at zero tokens,
/// and waste (runs that spent and produced nothing, loops, outputs the user threw away).
/// </summary>
public sealed class SqliteInsights(SqliteDatabase database) : IInsights
{
    public async Task<ValueSummary> ValueAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var at = since.ToUnixTimeMilliseconds();
        var usage = await connection.QuerySingleAsync<(long Tokens, long Input, long Cached, long Nanos, long Calls)>(new CommandDefinition("""
            SELECT COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(cached_tokens), 0),
                   COALESCE(SUM(cost_nanos), 0), COALESCE(SUM(calls), 0)
            FROM usage_daily WHERE day >= @Day
            """, new { Day = since.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: cancellationToken));
        var outcomes = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM outcomes WHERE at >= @At AND kind <> 'mail.corrected'", new { At = at }, cancellationToken: cancellationToken));
        var triage = await connection.QuerySingleAsync<(long Rules, long All)>(new CommandDefinition(
            "SELECT COALESCE(SUM(source <> 'model'), 0), COUNT(*) FROM mail_triage WHERE at >= @At", new { At = at }, cancellationToken: cancellationToken));
        var perKind = await connection.QueryAsync<(string Kind, long Count, long Useful, long NotUseful)>(new CommandDefinition("""
            SELECT kind, COUNT(*), COALESCE(SUM(feedback IN ('useful', 'accepted')), 0), COALESCE(SUM(feedback IN ('not-useful', 'discarded', 'corrected')), 0)
            FROM outcomes WHERE at >= @At GROUP BY kind ORDER BY COUNT(*) DESC
            """, new { At = at }, cancellationToken: cancellationToken));
        return new ValueSummary(usage.Tokens, usage.Input, usage.Cached, usage.Nanos / 1_000_000_000m, usage.Calls, outcomes, triage.Rules, triage.All,
            [.. perKind.Select(k => new OutcomeKind(k.Kind, k.Count, k.Useful, k.NotUseful))]);
    }

    public async Task<IReadOnlyList<WasteItem>> WasteAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var at = since.ToUnixTimeMilliseconds();
        var items = new List<WasteItem>();
        var noOutcome = await connection.QueryAsync<(string Id, string Agent, string Status, string? Reason, long Tokens, long Nanos)>(new CommandDefinition("""
            SELECT r.id, r.agent, r.status, r.status_reason, r.input_tokens + r.output_tokens, r.cost_nanos
            FROM runs r
            WHERE r.started_at >= @At AND r.input_tokens + r.output_tokens > 0 AND r.status NOT IN ('Running', 'WaitingApproval')
              AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.run_id = r.id)
            ORDER BY r.input_tokens + r.output_tokens DESC LIMIT 50
            """, new { At = at }, cancellationToken: cancellationToken));
        foreach (var run in noOutcome)
        {
            var loop = run.Reason?.Contains("loop detected", StringComparison.Ordinal) == true;
            items.Add(new WasteItem(loop ? "loop" : "no outcome", run.Agent, run.Id, run.Tokens, run.Nanos / 1_000_000_000m,
                $"{run.Status}{(run.Reason is null ? "" : ": " + run.Reason)}",
                loop ? "give the agent a rule or a tighter step limit; check its instructions for what it keeps retrying"
                     : run.Status == "BudgetStopped" ? "raise the budget only if the task needs it, or split the task"
                     : "look at the run; if this agent often ends like this, disable it or try a cheaper model"));
        }

        // Only the busiest runs are looked at call by call, through the run index: the ledger itself may be huge.
        var repeated = await connection.QueryAsync<(string RunId, string Agent, long Calls, long Tokens)>(new CommandDefinition("""
            SELECT run_id, COALESCE(agent, '(none)'), COUNT(*), SUM(input_tokens + output_tokens)
            FROM usage WHERE run_id IN (
                SELECT id FROM runs WHERE started_at >= @At AND model_calls >= 3 ORDER BY model_calls DESC LIMIT 200)
              AND error IS NULL
            GROUP BY run_id, input_tokens, output_tokens HAVING COUNT(*) >= 3
            ORDER BY SUM(input_tokens + output_tokens) DESC LIMIT 20
            """, new { At = at }, cancellationToken: cancellationToken));
        items.AddRange(repeated.Select(r => new WasteItem("repeated identical calls", r.Agent, r.RunId, r.Tokens, 0m,
            $"{r.Calls} model calls with identical token counts in one run", "the model may be stuck repeating itself: add loop limits or a rule")));

        var unused = await connection.QueryAsync<(string Agent, long Discarded, long Total)>(new CommandDefinition("""
            SELECT agent, SUM(feedback IN ('not-useful', 'discarded', 'corrected')), COUNT(*)
            FROM outcomes WHERE at >= @At AND feedback IS NOT NULL
            GROUP BY agent HAVING SUM(feedback IN ('not-useful', 'discarded', 'corrected')) * 2 > COUNT(*)
            """, new { At = at }, cancellationToken: cancellationToken));
        items.AddRange(unused.Select(u => new WasteItem("output not used", u.Agent, null, 0, 0m,
            $"{u.Discarded} of {u.Total} rated outputs were discarded or not useful", "disable the agent, narrow its instructions, or replace it with a rule")));

        // Tokens a wrong verdict saves are not saved: the user pays in attention. A kind of verdict the user keeps correcting is named.
        var verdicts = await connection.QueryAsync<(string Source, long Verdicts, long Corrected)>(new CommandDefinition(
            "SELECT source, COUNT(*), SUM(corrected_to IS NOT NULL) FROM mail_triage WHERE at >= @At GROUP BY source", new { At = at }, cancellationToken: cancellationToken));
        foreach (var kind in verdicts.GroupBy(v => Core.Triage.TriageAccuracy.KindOf(v.Source)))
        {
            var (made, corrected) = (kind.Sum(k => k.Verdicts), kind.Sum(k => k.Corrected));
            if (made >= 5 && corrected * 5 > made)
            {
                items.Add(new WasteItem("wrong verdicts", "inbox", null, 0, 0m, $"{kind.Key} verdicts: you corrected {corrected} of {made}",
                    kind.Key == "model" ? "give the inbox agent clearer instructions or a stronger model, or add email.rules for the senders you keep moving"
                        : "add an email.rules entry for the senders concerned; corrected senders already follow your corrections"));
            }
        }

        return items;
    }

    public async Task<IReadOnlyList<AskFigure>> AsksAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Useful as the waste page sees it: a run with an outcome the user did not call not useful or discard.
        var rows = await connection.QueryAsync<(string Agent, long Asks, long Useful)>(new CommandDefinition("""
            WITH asks AS (SELECT agent, COUNT(*) AS n FROM approvals WHERE created_at >= @At GROUP BY agent),
                 useful AS (SELECT agent, COUNT(DISTINCT run_id) AS n FROM outcomes
                            WHERE at >= @At AND (feedback IS NULL OR feedback IN ('useful', 'accepted')) GROUP BY agent)
            SELECT a.agent, COALESCE(asks.n, 0), COALESCE(useful.n, 0)
            FROM (SELECT agent FROM asks UNION SELECT agent FROM useful) a
            LEFT JOIN asks ON asks.agent = a.agent LEFT JOIN useful ON useful.agent = a.agent
            ORDER BY COALESCE(asks.n, 0) DESC, a.agent
            """, new { At = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new AskFigure(r.Agent, r.Asks, r.Useful))];
    }
}
