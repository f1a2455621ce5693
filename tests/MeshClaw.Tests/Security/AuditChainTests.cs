using Dapper;
using MeshClaw.Core.Audit;

namespace MeshClaw.Tests.Security;

public sealed class AuditChainTests : IAsyncLifetime
{
    private TestMeshClaw _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestMeshClaw.CreateAsync();
        for (var i = 1; i <= 10; i++)
        {
            await _db.Audit.AppendAsync(new AuditEvent("test.event", "tester", $"run_{i}", new { i }), default);
        }
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _db.Database.OpenAsync(default);
        await connection.ExecuteAsync(sql);
    }

    [Fact]
    public async Task UntouchedLog_Verifies()
    {
        var result = await _db.AuditReader.VerifyAsync(null, default);

        Assert.True(result.Intact, result.Problem);
        Assert.Equal(10, result.Records);
    }

    [Fact]
    public async Task AnotherProcessAppendingMeanwhile_IsChainedOn_NotLostOrForked()
    {
        // A second writer on the same database, as an offline CLI command (token rotate) beside a running gateway.
        using var other = new MeshClaw.Storage.Audit.SqliteAuditLog(_db.Database, TimeProvider.System, _db.Get<MeshClaw.Core.Security.ISecretRedactor>(), _db.Get<MeshClaw.Core.Security.ISecretStore>());

        await other.AppendAsync(new AuditEvent("access.token-rotated", "user:cli", null, new { }), default);
        // The gateway's cached head is now stale: its next record must land after the other one's, not fail.
        await _db.Audit.AppendAsync(new AuditEvent("gateway.stopped", "meshclaw", null, new { }), default);
        await other.AppendAsync(new AuditEvent("test.event", "user:cli", null, new { }), default);
        await _db.Audit.AppendAsync(new AuditEvent("test.event", "meshclaw", null, new { }), default);
        var result = await _db.AuditReader.VerifyAsync(null, default);
        var kinds = (await _db.AuditReader.RecentAsync(4, null, default)).Select(r => r.Kind).Reverse();

        Assert.True(result.Intact, result.Problem);
        Assert.Equal(14, result.Records);
        Assert.Equal(["access.token-rotated", "gateway.stopped", "test.event", "test.event"], kinds);
    }

    [Fact]
    public async Task EditedRecord_IsFoundAndNamed()
    {
        await ExecuteAsync("UPDATE audit SET data = '{\"i\":999}' WHERE seq = 4");

        var result = await _db.AuditReader.VerifyAsync(null, default);

        Assert.False(result.Intact);
        Assert.Equal(4, result.BrokenAtSeq);
        Assert.Contains("edited", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedRecord_IsFound()
    {
        await ExecuteAsync("DELETE FROM audit WHERE seq = 6");

        var result = await _db.AuditReader.VerifyAsync(null, default);

        Assert.False(result.Intact);
        Assert.Contains("record 6 is missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedTail_IsFound()
    {
        await ExecuteAsync("DELETE FROM audit WHERE seq >= 9");

        var result = await _db.AuditReader.VerifyAsync(null, default);

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

        var result = await _db.AuditReader.VerifyAsync(null, default);

        Assert.False(result.Intact);
        Assert.Equal(3, result.BrokenAtSeq);
    }

    [Fact]
    public async Task ForgerWhoRecomputesTheWholeTailAndTheHead_IsStillFound_BecauseTheChainIsKeyed()
    {
        // Whoever can write the database but not read the secrets store can recompute plain hashes, not keyed ones.
        await using (var connection = await _db.Database.OpenAsync(default))
        {
            var rows = (await connection.QueryAsync<(long Seq, long At, string Kind, string Actor, string? Run, string Data, string Prev)>(
                "SELECT seq, at, kind, actor, run_id, data, prev_hash FROM audit WHERE seq >= 5 ORDER BY seq")).ToList();
            var prev = rows[0].Prev;
            foreach (var row in rows)
            {
                var data = row.Seq == 5 ? "{\"i\":0}" : row.Data;
                var hash = AuditChain.Compute(null, prev, row.Seq, row.At, row.Kind, row.Actor, row.Run, data);
                await connection.ExecuteAsync("UPDATE audit SET data = @Data, prev_hash = @Prev, hash = @Hash WHERE seq = @Seq", new { Data = data, Prev = prev, Hash = hash, row.Seq });
                prev = hash;
            }

            await connection.ExecuteAsync("UPDATE audit_head SET hash = @Hash", new { Hash = prev });
        }

        var result = await _db.AuditReader.VerifyAsync(null, default);

        Assert.False(result.Intact);
        Assert.Equal(5, result.BrokenAtSeq);
        Assert.Contains("keyed hash", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotedHead_IsCheckedAsAnAnchor_AndARewriteBehindItIsFound()
    {
        var before = await _db.AuditReader.VerifyAsync(null, default);
        var anchor = new AuditAnchor(before.HeadSeq, before.HeadHash!);
        await _db.Audit.AppendAsync(new AuditEvent("test.event", "tester", null, new { i = 11 }), default);

        var still = await _db.AuditReader.VerifyAsync(anchor, default);
        await ExecuteAsync("DELETE FROM audit WHERE seq >= 10; UPDATE audit_head SET seq = 9, hash = (SELECT hash FROM audit WHERE seq = 9)");
        var cut = await _db.AuditReader.VerifyAsync(anchor, default);

        Assert.Equal(10, before.HeadSeq);
        Assert.True(still.Intact, still.Problem);
        Assert.False(cut.Intact);
        Assert.Contains("no longer in the log", cut.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretThatJsonEscapes_IsRedactedFromTheRecord()
    {
        const string secret = "pa+ss<w\u00f6rd>&\"x'y";
        _db.Get<MeshClaw.Core.Security.ISecretStore>().Set("TRICKY", secret);
        await _db.Audit.AppendAsync(new AuditEvent("test.event", "tester", null, new { reason = $"the tool failed: {secret} was refused" }), default);

        var record = (await _db.AuditReader.RecentAsync(1, null, default)).Single();

        Assert.DoesNotContain("ss<w", record.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("pa\\u002Bss", record.Data, StringComparison.Ordinal);
        Assert.Contains("[secret:TRICKY]", record.Data, StringComparison.Ordinal);
    }
}
