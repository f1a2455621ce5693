using MeshClaw.Models.Pipeline;
using Microsoft.Extensions.AI;

namespace MeshClaw.Tests.Models;

/// <summary>Anthropic's cache breakpoints are set on copies, at most three per request, however long the run goes on.</summary>
public sealed class AnthropicCacheBreakpointTests
{
    private static bool Marked(ChatMessage message) => message.Contents.Any(c => c.AdditionalProperties?.ContainsKey("anthropic:cache_control") == true);

    [Fact]
    public void TheInstructions_TheEndOfTheHistory_AndTheEndOfTheRequest_AreMarked_AndTheCallersMessagesAreNot()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You help."),
            new(ChatRole.User, "first question"),
            new(ChatRole.Assistant, "first answer"),
            new(ChatRole.User, "second question"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "read_file")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "file text")]),
        ];

        var marked = AnthropicCacheBreakpoints.Mark(messages);

        Assert.Equal([true, false, true, false, false, true], marked.Select(Marked));
        Assert.DoesNotContain(messages, Marked);
        Assert.Equal(messages.Select(m => m.Text), marked.Select(m => m.Text));
    }

    [Fact]
    public void ARunOfFiftySteps_NeverCarriesMoreThanThreeBreakpoints()
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, "You help."), new(ChatRole.User, "go") };
        for (var step = 0; step < 50; step++)
        {
            var marked = AnthropicCacheBreakpoints.Mark(messages);
            Assert.InRange(marked.Count(Marked), 1, 3);
            messages.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"call_{step}", "time_now")]));
            messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent($"call_{step}", "12:00")]));
        }
    }
}
