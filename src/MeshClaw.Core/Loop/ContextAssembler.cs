using MeshClaw.Core.Agents;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>
/// Builds the compact context a run starts from: the agent's instructions, the session's earlier questions and
/// answers (no tool chatter), and the new message, with any content that came with the trigger wrapped as untrusted
/// data after the user's own words. Stable text first, so provider prompt caches hit.
/// </summary>
public static class ContextAssembler
{
    public static List<ChatMessage> Build(AgentDefinition agent, IReadOnlyList<RunRecord> history, string message, TriggerContent? content, UntrustedFence fence)
    {
        var messages = new List<ChatMessage>(2 + history.Count * 2) { new(ChatRole.System, agent.Instructions) };
        foreach (var turn in history.Where(t => !string.IsNullOrEmpty(t.Answer) || t.Status == RunStatus.Succeeded))
        {
            messages.Add(new ChatMessage(ChatRole.User, turn.Input));
            if (!string.IsNullOrEmpty(turn.Answer))
            {
                messages.Add(new ChatMessage(ChatRole.Assistant, turn.Answer));
            }
        }

        messages.Add(new ChatMessage(ChatRole.User, content is null ? message : message + "\n\n" + UntrustedContent.Wrap(content.Source, content.Text, fence)));
        return messages;
    }
}
