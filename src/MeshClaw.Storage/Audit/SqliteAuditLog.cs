using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Security;
using MeshClaw.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace MeshClaw.Storage.Audit;

/// <summary>
/// The audit log: append-only rows, each chained to the one before (HMAC with the key from the secrets store), and a
/// head row (last seq and hash) updated in the same transaction, so a removed tail is noticed too. Appends are
/// serialized in-process, and a record refused because another process appended first is chained again on the real
/// head. Secret values are redacted before a record is written, in their raw and JSON-escaped forms.
/// </summary>
public sealed class SqliteAuditLog(SqliteDatabase database, TimeProvider time, ISecretRedactor redactor, ISecretStore secrets) : IAuditLog, IAuditReader, IDisposable
{
    // Relaxed escaping keeps '+', '<', '&' and non-ASCII as they are, so the redactor sees secrets as written.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SemaphoreSlim _append = new(1, 1);
    private (long Seq, string Hash)? _head;
    private AuditKey? _key;
    private AuditChain.Hasher? _hasher;

    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var data = redactor.Redact(JsonSerializer.Serialize(auditEvent.Data, Json));
        await _append.WaitAsync(cancellationToken);
        try
        {
            // The head is cached; another process (an offline CLI command such as `token rotate`) may have appended
            // since. The chain's unique seq refuses the stale append, and the record is chained again on the real head.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await AppendOnceAsync(auditEvent, data, cancellationToken);
                    return;
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 19 && attempt < 3)
                {
                    _head = null;
                }
            }
        }
        finally
        {
            _append.Release();
        }
    }

    private async Task AppendOnceAsync(AuditEvent auditEvent, string data, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            _head ??= await ReadHeadAsync(connection, cancellationToken);
            var (prevSeq, prevHash) = _head.Value;
            var seq = prevSeq + 1;
            _key ??= AuditKey.LoadOrCreate(secrets, seq);
            _hasher ??= new AuditChain.Hasher(_key);
            var at = time.GetUtcNow().ToUnixTimeMilliseconds();
            var actor = redactor.Redact(auditEvent.Actor);
            var hash = _hasher.Compute(prevHash, seq, at, auditEvent.Kind, actor, auditEvent.RunId, data);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO audit (seq, at, kind, actor, run_id, data, prev_hash, hash) VALUES (@Seq, @At, @Kind, @Actor, @RunId, @Data, @PrevHash, @Hash);
                INSERT INTO audit_head (one, seq, hash) VALUES (1, @Seq, @Hash) ON CONFLICT(one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
                """,
                new { Seq = seq, At = at, auditEvent.Kind, Actor = actor, auditEvent.RunId, Data = data, PrevHash = prevHash, Hash = hash },
                transaction, cancellationToken: CancellationToken.None));
            await transaction.CommitAsync(CancellationToken.None);
            _head = (seq, hash);
        }
        catch
        {
            _head = null;
            throw;
        }
    }

    public async Task<AuditVerification> VerifyAsync(AuditAnchor? anchor, CancellationToken cancellationToken)
    {
        var key = AuditKey.Load(secrets);
        using var hasher = new AuditChain.Hasher(key);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, at, kind, actor, run_id, data, prev_hash, hash FROM audit ORDER BY rowid";
        var expectedPrev = AuditChain.Genesis;
        long expectedSeq = 1;
        long count = 0;
        var anchorSeen = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var seq = reader.GetInt64(0);
                var prev = reader.GetString(6);
                var hash = reader.GetString(7);
                if (seq != expectedSeq)
                {
                    return Broken(count, seq, key, seq > expectedSeq
                        ? $"record {expectedSeq}{(seq - expectedSeq > 1 ? $" to {seq - 1}" : "")} is missing (removed)"
                        : $"record {seq} appears after record {expectedSeq - 1} (reordered or inserted)");
                }

                if (prev != expectedPrev)
                {
                    return Broken(count, seq, key, $"record {seq} does not follow record {seq - 1} (removed, reordered or replaced)");
                }

                var recomputed = hasher.Compute(prev, seq, reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5));
                if (recomputed != hash)
                {
                    return Broken(count, seq, key, key is not null && seq >= key.KeyedFrom
                        ? $"record {seq} was edited or forged: its content no longer matches its keyed hash"
                        : $"record {seq} was edited: its content no longer matches its hash");
                }

                if (anchor is not null && anchor.Seq == seq)
                {
                    if (anchor.Hash != hash)
                    {
                        return Broken(count, seq, key, $"record {seq} is not the one you noted ({anchor}): the log was rewritten from there on");
                    }

                    anchorSeen = true;
                }

                expectedPrev = hash;
                expectedSeq++;
                count++;
            }
        }

        var head = await ReadHeadAsync(connection, cancellationToken);
        if (head.Seq != count || head.Hash != expectedPrev)
        {
            return Broken(count, count + 1, key, $"the log ends at record {count} but the head says {head.Seq}: records at the end were removed");
        }

        if (anchor is not null && !anchorSeen)
        {
            return Broken(count, anchor.Seq, key, $"record {anchor.Seq} you noted is no longer in the log (it ends at {count}): records were removed");
        }

        return new AuditVerification(count, true, null, null) { HeadSeq = count, HeadHash = count == 0 ? null : expectedPrev, KeyedFrom = key?.KeyedFrom };
    }

    public void Dispose()
    {
        _append.Dispose();
        _hasher?.Dispose();
    }

    private static AuditVerification Broken(long count, long seq, AuditKey? key, string problem) => new(count, false, seq, problem) { KeyedFrom = key?.KeyedFrom };

    private static async Task<(long Seq, string Hash)> ReadHeadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var head = await connection.QuerySingleOrDefaultAsync<(long Seq, string Hash)?>(new CommandDefinition(
            "SELECT seq, hash FROM audit_head WHERE one = 1", cancellationToken: cancellationToken));
        return head ?? (0, AuditChain.Genesis);
    }

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
