using MeshClaw.Testing;
using MeshClaw.Testing.Demo;

namespace MeshClaw.Tests.Models;

/// <summary>The model stub's demo model reads both wire shapes: it plans the same calls and summarises the results.</summary>
public sealed class DemoModelTests
{
    private static RecordedRequest Request(string protocol, string body) =>
        new(protocol, "/v1/x", "demo", false, body, new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);

    [Fact]
    public void OpenAIAndAnthropicRequests_GetTheSameCallsThenASummary()
    {
        var openAIFirst = DemoModel.Answer(Request("openai", """
            {"model":"demo","messages":[{"role":"user","content":"What does notes.txt say?"}],
             "tools":[{"type":"function","function":{"name":"read_file"}},{"type":"function","function":{"name":"time_now"}}]}
            """));
        var anthropicFirst = DemoModel.Answer(Request("anthropic", """
            {"model":"demo","messages":[{"role":"user","content":[{"type":"text","text":"What does notes.txt say?"}]}],
             "tools":[{"name":"read_file"},{"name":"time_now"}]}
            """));
        var anthropicAfter = DemoModel.Answer(Request("anthropic", """
            {"model":"demo","messages":[{"role":"user","content":"What does notes.txt say?"},
             {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"read_file","input":{"path":"notes.txt"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"Ship on Friday."}]}],
             "tools":[{"name":"read_file"}]}
            """));

        Assert.Equal(["time_now", "read_file"], openAIFirst.ToolCallNames());
        Assert.Equal(["time_now", "read_file"], anthropicFirst.ToolCallNames());
        Assert.Empty(anthropicAfter.ToolCallNames());
        Assert.Equal("(demo model) Here is what the tools returned:\n- read_file: Ship on Friday.", anthropicAfter.AnswerText);
    }
}
