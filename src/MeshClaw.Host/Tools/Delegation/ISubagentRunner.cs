using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;

namespace MeshClaw.Host.Tools.Delegation;

/// <summary>Runs another agent on behalf of a parent run, with the parent's taint and within the parent's grants.</summary>
public interface ISubagentRunner
{
    Task<RunRecord> RunSubagentAsync(ToolContext parent, string agent, string message, CancellationToken cancellationToken);
}
