using System.Text.Json;
using MeshClaw.Core.Audit;
using MeshClaw.Host.Safety;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MeshClaw.Tests.Gateway;

/// <summary>A refusal for a full disk is audited; when the audit log cannot be written either, it waits in memory and is written when space returns.</summary>
public sealed class RefusalAuditTests
{
    /// <summary>An audit log on a disk that is full until the test frees it.</summary>
    private sealed class FullDiskAudit : IAuditLog
    {
        public volatile bool Full = true;
        public List<AuditEvent> Written { get; } = [];
        public SemaphoreSlim Attempted { get; } = new(0);

        public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
        {
            Attempted.Release();
            if (Full)
            {
                throw new IOException("No space left on device");
            }

            lock (Written)
            {
                Written.Add(auditEvent);
            }

            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ARefusalThatCannotBeAudited_IsHeld_AndWrittenInOrderWhenSpaceReturns()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        var audit = new FullDiskAudit();
        using var refusals = new RefusalAudit(audit, time, NullLogger<RefusalAudit>.Instance);
        await refusals.StartAsync(CancellationToken.None);

        await refusals.RecordAsync("POST", "/api/runs", 507, "disk full: first", "writer");
        await refusals.RecordAsync("POST", "/api/runs", 507, "disk full: second", "reader");
        Assert.Equal(2, refusals.Held);
        Assert.Empty(audit.Written);

        audit.Full = false;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (refusals.Held > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the held refusals were not written after space returned ({refusals.Held} still held)");
            time.Advance(RefusalAudit.Retry);
            await audit.Attempted.WaitAsync(TimeSpan.FromMilliseconds(50));
        }

        await refusals.StopAsync(CancellationToken.None);
        Assert.Equal(2, audit.Written.Count);
        var first = JsonSerializer.Serialize(audit.Written[0].Data);
        Assert.Equal("request.refused", audit.Written[0].Kind);
        Assert.Contains("\"agent\":\"writer\"", first, StringComparison.Ordinal);
        Assert.Contains("\"held\":true", first, StringComparison.Ordinal);
        Assert.Contains("\"refusedAt\":\"2026-12-06T03:00:00", first, StringComparison.Ordinal);
        Assert.Contains("\"agent\":\"reader\"", JsonSerializer.Serialize(audit.Written[1].Data), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalOnAWritableAuditLog_IsWrittenAtOnce_AsItWas()
    {
        var time = new FakeTimeProvider();
        var audit = new FullDiskAudit { Full = false };
        using var refusals = new RefusalAudit(audit, time, NullLogger<RefusalAudit>.Instance);

        await refusals.RecordAsync("POST", "/api/runs", 507, "disk full: the run's row", "writer");

        var written = Assert.Single(audit.Written);
        Assert.DoesNotContain("held", JsonSerializer.Serialize(written.Data), StringComparison.Ordinal);
        Assert.Equal(0, refusals.Held);
    }
}
