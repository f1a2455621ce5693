using Dapper;

namespace MeshClaw.Tests.Security;

public sealed class AuditChainTests : IAsyncLifetime
{
    private TempDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateAsync();
        for (var i = 1; i <= 10; i++)
        {
            await _db.Audit.AppendAsync(new MeshClaw.Core.Audit.AuditEvent("test.event", "tester", $"run_{i}", new { i }), default);
        }
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _db.Database.OpenAsync(default);
        await connection.ExecuteAsync(sql);
    }

    [Fact]
    public async Task UntouchedLog_Verifies()
    {
        var result = await _db.Audit.VerifyAsync(default);

        Assert.True(result.Intact, result.Problem);
        Assert.Equal(10, result.Records);
    }

    [Fact]
    public async Task EditedRecord_IsFoundAndNamed()
    {
        await ExecuteAsync("UPDATE audit SET data = '{\"i\":999}' WHERE seq = 4");

        var result = await _db.Audit.VerifyAsync(default);

        Assert.False(result.Intact);
        Assert.Equal(4, result.BrokenAtSeq);
        Assert.Contains("edited", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedRecord_IsFound()
    {
        await ExecuteAsync("DELETE FROM audit WHERE seq = 6");

        var result = await _db.Audit.VerifyAsync(default);

        Assert.False(result.Intact);
        Assert.Contains("record 6 is missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedTail_IsFound()
    {
        await ExecuteAsync("DELETE FROM audit WHERE seq >= 9");

        var result = await _db.Audit.VerifyAsync(default);

        Assert.False(result.Intact);
        Assert.Contains("records at the end were removed", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwappedRecords_AreFound()
    {
        // Swap the contents of records 3 and 5 but keep their sequence numbers: the chain no longer links.
        await ExecuteAsync("""
            UPDATE audit SET seq = -3 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = -3;
            """);

        var result = await _db.Audit.VerifyAsync(default);

        Assert.False(result.Intact);
        Assert.Equal(3, result.BrokenAtSeq);
    }

    [Fact]
    public async Task ForgedRecordWithRecomputedHash_StillBreaksTheChain()
    {
        // An attacker who edits a record and recomputes its own hash breaks the next record's link.
        await using (var connection = await _db.Database.OpenAsync(default))
        {
            var row = await connection.QuerySingleAsync<(long At, string Prev)>("SELECT at, prev_hash FROM audit WHERE seq = 5");
            var forged = MeshClaw.Storage.Audit.AuditHash.Compute(row.Prev, 5, row.At, "test.event", "tester", "run_5", "{\"i\":0}");
            await connection.ExecuteAsync("UPDATE audit SET data = '{\"i\":0}', hash = @Forged WHERE seq = 5", new { Forged = forged });
        }

        var result = await _db.Audit.VerifyAsync(default);

        Assert.False(result.Intact);
        Assert.Equal(6, result.BrokenAtSeq);
    }
}
