using MeshClaw.Core.Agents;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>
/// Builds the compact context a run starts from: the agent's instructions, the session's earlier questions and
/// answers (no tool chatter) within the agent's context allowance (<see cref="HistoryWindow"/>), and the new message, with any content that came with the trigger wrapped as untrusted
/// data after the user's own words. Stable text first, so provider prompt caches hit: nothing that changes from one
/// request to the next (the time, ids) comes before the new message, and the current time (<see cref="PromptClock"/>)
/// ends it.
/// </summary>
public static class ContextAssembler
{
    public static List<ChatMessage> Build(AgentDefinition agent, IReadOnlyList<RunRecord> history, string message, TriggerContent? content, UntrustedFence fence, string? clock = null)
    {
        var messages = new List<ChatMessage>(3 + history.Count * 2) { new(ChatRole.System, agent.Instructions) };
        var (recap, turns) = HistoryWindow.Fit([.. history.Where(t => !string.IsNullOrEmpty(t.Answer) || t.Status == RunStatus.Succeeded)],
            HistoryWindow.Allowance(agent.ContextTokens, agent.Instructions, message));
        if (recap is not null)
        {
            messages.Add(new ChatMessage(ChatRole.User, recap));
        }

        foreach (var turn in turns)
        {
            messages.Add(new ChatMessage(ChatRole.User, turn.Input));
            if (!string.IsNullOrEmpty(turn.Answer))
            {
                messages.Add(new ChatMessage(ChatRole.Assistant, turn.Answer));
            }
        }

        var last = content is null ? message : message + "\n\n" + UntrustedContent.Wrap(content.Source, content.Text, fence);
        messages.Add(new ChatMessage(ChatRole.User, clock is null ? last : last + "\n\n" + clock));
        return messages;
    }
}
