using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>Mutable bookkeeping of one run in flight; what a checkpoint saves and restores.</summary>
internal sealed class RunState
{
    public RunState(AgentRunRequest request, List<ChatMessage> messages, RunSecurityState security)
    {
        Request = request;
        Messages = messages;
        Security = security;
    }

    public AgentRunRequest Request { get; }
    public RunId Id => Request.Id;
    public List<ChatMessage> Messages { get; }
    public RunSecurityState Security { get; }
    public RunUsage Usage { get; set; } = RunUsage.Zero;
    public int Seq { get; set; }
    public int Step { get; set; }
    public int Malformed { get; set; }
    /// <summary>Set while a call of the last model answer waits for approval: which call, which approval.</summary>
    public (int CallIndex, string ApprovalId)? Pending { get; set; }

    public int NextSeq() => ++Seq;

    public RunCheckpoint ToCheckpoint(int callIndex, string approvalId) => new()
    {
        Messages = Messages,
        Usage = Usage,
        Seq = Seq,
        Step = Step,
        Taint = Security.TaintSources,
        Changed = Security.Changed,
        PendingCallIndex = callIndex,
        ApprovalId = approvalId,
    };

    public static RunState FromCheckpoint(AgentRunRequest request, RunCheckpoint checkpoint)
    {
        var security = new RunSecurityState(request.Trigger, checkpoint.Taint);
        foreach (var (capability, items) in checkpoint.Changed)
        {
            security.CountChanged(capability, items);
        }

        return new RunState(request, [.. checkpoint.Messages], security)
        {
            Usage = checkpoint.Usage,
            Seq = checkpoint.Seq,
            Step = checkpoint.Step,
            Pending = (checkpoint.PendingCallIndex, checkpoint.ApprovalId),
        };
    }
}
