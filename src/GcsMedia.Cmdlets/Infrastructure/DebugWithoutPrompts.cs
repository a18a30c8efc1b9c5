using System;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// For a compiled cmdlet, PowerShell turns -Debug into VerbosePreference and WarningPreference Inquire: every
    /// verbose or warning line would ask "Continue with this operation?", and throw in pwsh -NonInteractive. PowerShell's
    /// own command runtime has overloads that write such a record without the inquiry (overrideInquire); this calls them,
    /// and where a host lacks them writes the line to the debug stream instead, so -Debug never prompts.
    /// </summary>
    internal static class DebugWithoutPrompts
    {
        private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;
        private static readonly Type? RuntimeType = typeof(PSObject).Assembly.GetType("System.Management.Automation.MshCommandRuntime");
        private static readonly MethodInfo? VerboseWriter = RuntimeType?.GetMethod("WriteVerbose", Internal, null, new[] { typeof(VerboseRecord), typeof(bool) }, null);
        private static readonly MethodInfo? WarningWriter = RuntimeType?.GetMethod("WriteWarning", Internal, null, new[] { typeof(WarningRecord), typeof(bool) }, null);

        /// <summary>True when -Debug was given and <paramref name="actionParameter"/> (-Verbose, -WarningAction) was not: the line would prompt.</summary>
        public static bool WouldPrompt(InvocationInfo invocation, string actionParameter)
            => invocation.BoundParameters.TryGetValue("Debug", out object? debug)
               && (debug is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(debug))
               && !invocation.BoundParameters.ContainsKey(actionParameter);

        public static void WriteVerbose(Cmdlet cmdlet, string text)
        {
            if (!TryWrite(cmdlet, VerboseWriter, new VerboseRecord(text)))
            {
                cmdlet.WriteDebug(text);
            }
        }

        public static void WriteWarning(Cmdlet cmdlet, string text)
        {
            if (!TryWrite(cmdlet, WarningWriter, new WarningRecord(text)))
            {
                cmdlet.WriteDebug("WARNING: " + text);
            }
        }

        private static bool TryWrite(Cmdlet cmdlet, MethodInfo? writer, object record)
        {
            if (writer == null || RuntimeType == null || !RuntimeType.IsInstanceOfType(cmdlet.CommandRuntime))
            {
                return false;
            }

            try
            {
                writer.Invoke(cmdlet.CommandRuntime, new[] { record, (object)true });
                return true;
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }
    }
}
