namespace MeshClaw.Testing;

/// <summary>A pending <see cref="ScriptedModelServer.WaitForRequestAsync"/> call: its predicate and the task it completes.</summary>
internal sealed class RequestWaiter(Func<RecordedRequest, bool> predicate)
{
    private readonly TaskCompletionSource<RecordedRequest> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<RecordedRequest> Task => _completion.Task;

    /// <summary>Completes the waiter when the request matches; a throwing predicate faults it (and counts as done).</summary>
    public bool TryComplete(RecordedRequest request)
    {
        try
        {
            if (!predicate(request))
            {
                return false;
            }

            _completion.TrySetResult(request);
        }
        catch (Exception exception)
        {
            _completion.TrySetException(exception);
        }

        return true;
    }

    public void Abandon(Exception reason) => _completion.TrySetException(reason);
}
