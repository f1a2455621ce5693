using MeshClaw.Core.Runs;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Runs;

/// <summary>A row of the runs table as Dapper reads it.</summary>
internal sealed class RunRow
{
    public string id { get; set; } = "";
    public string agent { get; set; } = "";
    public string trigger_kind { get; set; } = "";
    public string? trigger_detail { get; set; }
    public string? session { get; set; }
    public string input { get; set; } = "";
    public string status { get; set; } = "";
    public string? status_reason { get; set; }
    public string? answer { get; set; }
    public long input_tokens { get; set; }
    public long output_tokens { get; set; }
    public long cached_tokens { get; set; }
    public long reasoning_tokens { get; set; }
    public long cost_nanos { get; set; }
    public long model_calls { get; set; }
    public long started_at { get; set; }
    public long? ended_at { get; set; }
    public string? taint { get; set; }

    public RunRecord ToRecord() => new()
    {
        Id = new RunId(id),
        Agent = agent,
        Trigger = new RunTrigger(RunTriggerKinds.Parse(trigger_kind), trigger_detail),
        Session = session,
        Input = input,
        Status = Enum.Parse<RunStatus>(status),
        StatusReason = status_reason,
        Answer = answer,
        Usage = new RunUsage(input_tokens, output_tokens, cached_tokens, reasoning_tokens, Money.FromNanos(cost_nanos), (int)model_calls),
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(started_at),
        EndedAt = ended_at is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null,
        Taint = taint is null ? [] : taint.Split('\n'),
    };
}
