using System.Runtime.CompilerServices;
using MeshClaw.Models.Providers;
using Microsoft.Extensions.AI;

namespace MeshClaw.Models.Pipeline;

/// <summary>
/// Says why a model call failed on every model of the chain, as "local: cannot be reached at 127.0.0.1:11434: Connection
/// refused; claude: answered HTTP 401 ...", instead of the last provider SDK's wrapper ("I/O exception"). Each model of
/// the chain is wrapped by <see cref="Named"/>, which notes its own failure on the call's trail; the outermost client
/// turns the trail into the message of the exception the run ends with.
/// </summary>
public sealed class ChainFailures(IChatClient chain) : DelegatingChatClient(chain)
{
    private static readonly AsyncLocal<List<string>?> Trail = new();

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var trail = Trail.Value = [];
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex) when (trail.Count > 0 && ex is not OperationCanceledException)
        {
            throw new ModelChainException(string.Join("; ", trail), ex);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<string> trail = [];
        await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                // An async iterator's AsyncLocal values end with each step, so the trail is set again before every one:
                // a failure mid-stream is noted on the same trail as one at the start.
                Trail.Value = trail;
                if (!await updates.MoveNextAsync())
                {
                    yield break;
                }

                update = updates.Current;
            }
            catch (Exception ex) when (trail.Count > 0 && ex is not OperationCanceledException)
            {
                throw new ModelChainException(string.Join("; ", trail), ex);
            }

            yield return update;
        }
    }

    /// <summary>Why one model failed, from the most telling exception in the chain of causes.</summary>
    public static string Explain(string model, Exception failure)
    {
        var cause = failure;
        for (var ex = failure; ex is not null; ex = ex.InnerException)
        {
            if (ex is ModelProviderException or ModelReplyException or TimeoutException || (ex is HttpRequestException && ex.Message.StartsWith("model '", StringComparison.Ordinal)))
            {
                cause = ex;
                break;
            }

            cause = ex;
        }

        return cause.Message.StartsWith($"model '{model}'", StringComparison.Ordinal) ? cause.Message : $"model '{model}': {cause.Message}";
    }

    /// <summary>One model of the chain: notes its failure on the trail of the call, and leaves the shared client it wraps open.</summary>
    public sealed class Named(string model, IChatClient inner) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.GetResponseAsync(messages, options, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Trail.Value?.Add(Explain(model, ex));
                throw;
            }
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await using var updates = inner.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        yield break;
                    }

                    update = updates.Current;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Trail.Value?.Add(Explain(model, ex));
                    throw;
                }

                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        // The per-model clients are cached and shared between agents: a chain never disposes them.
        public void Dispose()
        {
        }
    }
}

/// <summary>Every model of the chain failed; the message names each one's cause, in order.</summary>
public sealed class ModelChainException(string message, Exception inner) : Exception(message, inner);
