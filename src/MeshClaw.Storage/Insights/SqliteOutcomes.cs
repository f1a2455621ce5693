using Dapper;
using MeshClaw.Core.Insights;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Insights;

/// <summary>Outcomes in SQLite: what runs produced, and the user's verdict on each.</summary>
public sealed class SqliteOutcomes(SqliteDatabase database) : IOutcomes
{
    public async Task AddAsync(NewOutcome outcome, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outcomes (run_id, agent, kind, subject, detail, source, at) VALUES (@RunId, @Agent, @Kind, @Subject, @Detail, @Source, @At)",
            new { outcome.RunId, outcome.Agent, outcome.Kind, outcome.Subject, outcome.Detail, outcome.Source, At = outcome.At.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Outcome>> RecentAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken, long? before = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string RunId, string Agent, string Kind, string Subject, string? Detail, string Source, long At, string? Feedback)>(new CommandDefinition(
            "SELECT id, run_id, agent, kind, subject, detail, source, at, feedback FROM outcomes WHERE at >= @At AND id < @Before ORDER BY id DESC LIMIT @Limit",
            new { At = since.ToUnixTimeMilliseconds(), Limit = limit, Before = before ?? long.MaxValue }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new Outcome(r.Id, r.RunId, r.Agent, r.Kind, r.Subject, r.Detail, r.Source, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Feedback))];
    }

    public async Task<bool> FeedbackAsync(long outcome, OutcomeVerdict verdict, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("UPDATE outcomes SET feedback = @Verdict, feedback_at = @At WHERE id = @Id",
            new { Id = outcome, Verdict = verdict.Text(), At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)) == 1;
    }
}
