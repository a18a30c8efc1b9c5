using System;
using System.Management.Automation;
using System.Security;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Lets a secret parameter (access token, encryption key, session URI) take a SecureString or a plain
    /// string; a string is turned into a SecureString at once so the secret is never kept or shown as text.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null!;
                case SecureString secure:
                    return secure;
                case string text:
                    return SecretText.ToSecureString(text);
                default:
                    throw new ArgumentTransformationMetadataException(
                        "A secret must be a SecureString or a string.");
            }
        }
    }
}
