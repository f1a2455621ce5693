using System.Text.Json;
using Dapper;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Security;
using MeshClaw.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace MeshClaw.Storage.Audit;

/// <summary>
/// The audit log: append-only rows, each hash-chained to the one before, and a head row (last seq and hash)
/// updated in the same transaction, so a removed tail is noticed too. Appends are serialized in-process.
/// Secret values are redacted before a record is written.
/// </summary>
public sealed class SqliteAuditLog(SqliteDatabase database, TimeProvider time, Func<ISecretRedactor> redactor) : IAuditLog, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _append = new(1, 1);
    private (long Seq, string Hash)? _head;

    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var data = redactor().Redact(JsonSerializer.Serialize(auditEvent.Data, Json));
        await _append.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            _head ??= await ReadHeadAsync(connection, cancellationToken);
            var (prevSeq, prevHash) = _head.Value;
            var seq = prevSeq + 1;
            var at = time.GetUtcNow().ToUnixTimeMilliseconds();
            var hash = AuditHash.Compute(prevHash, seq, at, auditEvent.Kind, auditEvent.Actor, auditEvent.RunId, data);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO audit (seq, at, kind, actor, run_id, data, prev_hash, hash) VALUES (@Seq, @At, @Kind, @Actor, @RunId, @Data, @PrevHash, @Hash);
                INSERT INTO audit_head (one, seq, hash) VALUES (1, @Seq, @Hash) ON CONFLICT(one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
                """,
                new { Seq = seq, At = at, auditEvent.Kind, auditEvent.Actor, auditEvent.RunId, Data = data, PrevHash = prevHash, Hash = hash },
                transaction, cancellationToken: CancellationToken.None));
            await transaction.CommitAsync(CancellationToken.None);
            _head = (seq, hash);
        }
        catch
        {
            _head = null;
            throw;
        }
        finally
        {
            _append.Release();
        }
    }

    /// <summary>Walks the whole chain: finds the first edited, removed, inserted or reordered record.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, at, kind, actor, run_id, data, prev_hash, hash FROM audit ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var expectedPrev = AuditHash.Genesis;
        long expectedSeq = 1;
        long count = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var seq = reader.GetInt64(0);
            var prev = reader.GetString(6);
            var hash = reader.GetString(7);
            if (seq != expectedSeq)
            {
                return Broken(count, seq, seq > expectedSeq
                    ? $"record {expectedSeq}{(seq - expectedSeq > 1 ? $" to {seq - 1}" : "")} is missing (removed)"
                    : $"record {seq} appears after record {expectedSeq - 1} (reordered or inserted)");
            }

            if (prev != expectedPrev)
            {
                return Broken(count, seq, $"record {seq} does not follow record {seq - 1} (removed, reordered or replaced)");
            }

            var recomputed = AuditHash.Compute(prev, seq, reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5));
            if (recomputed != hash)
            {
                return Broken(count, seq, $"record {seq} was edited: its content no longer matches its hash");
            }

            expectedPrev = hash;
            expectedSeq++;
            count++;
        }

        var head = await ReadHeadAsync(connection, cancellationToken);
        if (head.Seq != count || head.Hash != expectedPrev)
        {
            return Broken(count, count + 1, $"the log ends at record {count} but the head says {head.Seq}: records at the end were removed");
        }

        return new AuditVerification(count, true, null, null);
    }

    public void Dispose() => _append.Dispose();

    private static AuditVerification Broken(long count, long seq, string problem) => new(count, false, seq, problem);

    private static async Task<(long Seq, string Hash)> ReadHeadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var head = await connection.QuerySingleOrDefaultAsync<(long Seq, string Hash)?>(new CommandDefinition(
            "SELECT seq, hash FROM audit_head WHERE one = 1", cancellationToken: cancellationToken));
        return head ?? (0, AuditHash.Genesis);
    }

    /// <summary>Recent records, newest first, for `meshclaw audit list`.</summary>
    public async Task<IReadOnlyList<AuditRecord>> RecentAsync(int limit, string? runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = runId is null
            ? "SELECT seq, at, kind, actor, run_id, data, prev_hash, hash FROM audit ORDER BY seq DESC LIMIT @Limit"
            : "SELECT seq, at, kind, actor, run_id, data, prev_hash, hash FROM audit WHERE run_id = @RunId ORDER BY seq DESC LIMIT @Limit";
        var rows = await connection.QueryAsync<(long, long, string, string, string?, string, string, string)>(new CommandDefinition(sql, new { Limit = limit, RunId = runId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new AuditRecord(r.Item1, DateTimeOffset.FromUnixTimeMilliseconds(r.Item2), r.Item3, r.Item4, r.Item5, r.Item6, r.Item7, r.Item8))];
    }
}
