using System.Text.Json;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Models;
using MeshClaw.Models.Config;
using MeshClaw.Models.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Cli.Commands.Init;

/// <summary>What one model did when init tried it: answered at all, and called the tool it was offered.</summary>
public sealed record ModelCheckResult(bool Answered, bool CalledTool, string? Problem, string? Reply);

/// <summary>
/// Tries a model before init saves it: one live completion, then one request offering a tool, through the same metered
/// pipeline agents use (so the check's tokens are in the usage ledger, attributed to "init"). A model that cannot
/// call tools can chat but cannot act for an agent, and init says so instead of saving it.
/// </summary>
public static class ModelCheck
{
    public const string ToolName = "get_current_time";

    private static readonly JsonElement NoParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    public static async Task<ModelCheckResult> RunAsync(ModelDefinition model, ISecretStore secrets, IUsageLedger ledger, CancellationToken cancellationToken)
    {
        using var providers = new ProviderClientFactory(secrets, TimeProvider.System);
        var pipeline = new ModelPipeline(
            new Dictionary<string, ModelDefinition> { [model.Name] = model }, providers, ledger,
            new PriceTable(new Dictionary<string, ModelPrice>()), TimeProvider.System, NullLoggerFactory.Instance);
        var client = pipeline.For(model.Name, []);
        using var attribution = ModelCallAttribution.Begin(new ModelCallAttribution("init", "init-" + Guid.NewGuid().ToString("N")[..12], "setup"));

        string reply;
        try
        {
            var answer = await client.GetResponseAsync(
                [new(ChatRole.System, "You are being checked by MeshClaw's set-up. Be brief."), new(ChatRole.User, "Reply with one word: ready")],
                new ChatOptions { MaxOutputTokens = 32 }, cancellationToken);
            reply = answer.Text.Trim();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new(false, false, ex.Message, null);
        }

        if (reply.Length == 0)
        {
            return new(false, false, $"model '{model.ModelId}' answered with no text", null);
        }

        try
        {
            var options = new ChatOptions
            {
                Tools = [AIFunctionFactory.CreateDeclaration(ToolName, "Returns the current date and time.", NoParameters)],
                ToolMode = ChatToolMode.Auto,
                MaxOutputTokens = 256,
            };
            var answer = await client.GetResponseAsync(
                [new(ChatRole.User, $"What is the date and time now? Call the {ToolName} tool to find out.")], options, cancellationToken);
            var called = answer.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Any(call => call.Name == ToolName);
            return new(true, called, called ? null : $"it answered \"{Shorten(answer.Text)}\" instead of calling the tool it was offered", reply);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new(true, false, $"a request offering a tool failed: {ex.Message}", reply);
        }
    }

    private static string Shorten(string text) => text.Length > 120 ? text[..120] + "…" : text.Trim();
}
