using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Runs;

namespace MeshClaw.Host.Runs;

/// <summary>A channel's run through the coordinator, as any event-triggered run: autonomous, tracked, cancelled by pause.</summary>
public sealed class ChannelRunStarter(RunCoordinator coordinator) : IRunStarter
{
    public async Task<RunRecord> RunAsync(ChannelRun run, CancellationToken cancellationToken)
    {
        Core.Loop.AgentRunRequest request;
        try
        {
            request = await coordinator.PrepareAsync(run.Agent, run.Message, new RunOrigin(run.Trigger, Interactive: false), run.Session, run.Observer is not null, run.Content, cancellationToken);
            if (run.Observer is not null)
            {
                request = request with { Observer = run.Observer };
            }
        }
        catch (RunStartException ex)
        {
            throw new RunNotStartedException(ex.Message);
        }

        return await coordinator.RunAsync(request, cancellationToken);
    }
}
