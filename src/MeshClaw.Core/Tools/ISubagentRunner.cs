using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Tools;

/// <summary>Runs another agent on behalf of a parent run, with the parent's taint and within the parent's grants and budget.</summary>
public interface ISubagentRunner
{
    Task<RunRecord> RunSubagentAsync(ToolContext parent, string agent, string message, CancellationToken cancellationToken);
}
