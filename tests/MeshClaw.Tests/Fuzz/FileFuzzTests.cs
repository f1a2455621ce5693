using MeshClaw.Core.Agents;
using MeshClaw.Core.Configuration;
using MeshClaw.Host.Configuration;

namespace MeshClaw.Tests.Fuzz;

/// <summary>
/// One typo never takes anything down: thousands of mutated agent files and config.json files are each either read or
/// refused with a message that names the file, a line and what is wrong; nothing else is ever thrown.
/// </summary>
public sealed class FileFuzzTests
{
    private const int Cases = 3000;

    private const string Agent = """
        ---
        name: inbox
        description: "Sorts my mail: newsletters away, boss first"
        model: main
        fallbacks: [local, claude]
        tools: [email.read, email.move, files.*]
        mail_folders:
          - INBOX
          - Newsletters
        triggers:
          - cron: "0 6 * * 1-5"
          - interval: 15m
          - event: email.received
        budget:
          tokens_per_run: 20000
          tokens_per_day: 200000
        quiet_hours: "22:00-07:00"
        subagents: [helper]
        ---
        You sort the inbox. Never send mail.
        """;

    private const string Config = """
        {
          "port": 7788,
          "defaultModel": "main",
          "models": {
            "main": { "kind": "openai-compatible", "baseUrl": "http://127.0.0.1:11434/v1", "model": "qwen3", "timeoutSeconds": 60, "fallbacks": ["claude"] },
            "claude": { "kind": "anthropic", "model": "claude-sonnet", "apiKeySecret": "ANTHROPIC_API_KEY", "maxRetries": 2 }
          },
          "prices": { "claude-sonnet": { "inputPerMillion": 3, "outputPerMillion": 15 } },
          "budgets": { "tokensPerDay": 1000000 },
          "timeZone": "Europe/Berlin",
          "policy": { "bulkLimitPerRun": 25, "ratePerHour": 200, "loosen": [{ "agent": "inbox", "capability": "email.move" }] },
          "email": { "accounts": { "work": { "imapHost": "127.0.0.1", "imapPort": 143, "imapTls": "none", "user": "me", "passwordSecret": "MAIL" } } },
          "audit": { "enabled": true }
        }
        """;

    [Fact]
    public void TheSeedFiles_AreValid()
    {
        Assert.Empty(AgentFileParser.Parse("agents/inbox.md", Agent).Errors);
        Assert.Equal("main", ConfigLoader.Parse(Config, "config.json").DefaultModel);
    }

    [Fact]
    public void MutatedAgentFiles_AreReadOrRefusedWithALocatedMessage_NeverThrow()
    {
        var mutator = new Mutator(20261205);
        var refused = 0;
        for (var i = 0; i < Cases; i++)
        {
            var text = mutator.Mutate(Agent);
            AgentLoadResult result;
            try
            {
                result = AgentFileParser.Parse("agents/inbox.md", text);
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {i} threw {ex.GetType().Name}: {ex.Message}\n--- file ---\n{text}");
                return;
            }

            Assert.True(result.Agent is not null || result.Errors.Count > 0, $"case {i}: neither an agent nor an error\n{text}");
            foreach (var error in result.Errors)
            {
                Assert.True(error.File == "agents/inbox.md" && error.Line >= 1 && error.Field.Length > 0 && error.Message.Length > 0, $"case {i}: unlocated error '{error}'\n{text}");
            }

            refused += result.Agent is null ? 1 : 0;
        }

        // Most slips in the front matter must be caught, not only survived.
        Assert.InRange(refused, Cases / 3, Cases);
    }

    [Fact]
    public void MutatedConfigFiles_AreReadOrRefusedWithALocatedMessage_NeverThrowAnythingElse()
    {
        var mutator = new Mutator(4242);
        for (var i = 0; i < Cases; i++)
        {
            var text = mutator.Mutate(Config);
            try
            {
                ConfigLoader.Parse(text, "/home/me/.meshclaw/config.json");
            }
            catch (ConfigException ex)
            {
                Assert.Matches(@"(?s)^/home/me/\.meshclaw/config\.json:\d+: .+: .+", ex.Message);
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {i} threw {ex.GetType().Name}: {ex.Message}\n--- file ---\n{text}");
            }
        }
    }
}
