/* l4sys_errtostr(): a short English text for an L4 error code, for log messages. */
#include <l4/sys/err.h>
#include <l4/sys/ipc.h>

/* IPC errors come as -(L4_EIPC_LO + code); bit 0 of code = receive phase. */
static char const *ipc_error_text(unsigned long code)
{
  switch (code)
    {
    case 0:                    return "IPC: no error";
    case L4_IPC_SETIMEOUT:     return "IPC: timeout while sending";
    case L4_IPC_RETIMEOUT:     return "IPC: timeout while receiving";
    case L4_IPC_ENOT_EXISTENT: return "IPC: partner does not exist";
    case L4_IPC_SECANCELED:    return "IPC: send canceled";
    case L4_IPC_RECANCELED:    return "IPC: receive canceled";
    case L4_IPC_SEMSGCUT:      return "IPC: message cut while sending";
    case L4_IPC_REMSGCUT:      return "IPC: message cut while receiving";
    case L4_IPC_SESNDPFTO:     return "IPC: send-side page-fault timeout while sending";
    case L4_IPC_RESNDPFTO:     return "IPC: send-side page-fault timeout while receiving";
    case L4_IPC_SERCVPFTO:     return "IPC: receive-side page-fault timeout while sending";
    case L4_IPC_RERCVPFTO:     return "IPC: receive-side page-fault timeout while receiving";
    case L4_IPC_SEABORTED:     return "IPC: send aborted";
    case L4_IPC_REABORTED:     return "IPC: receive aborted";
    case L4_IPC_SEMAPFAILED:   return "IPC: mapping failed while sending";
    case L4_IPC_REMAPFAILED:   return "IPC: mapping failed while receiving";
    default:                   return "IPC: unknown error";
    }
}

L4_CV char const *l4sys_errtostr(long err) L4_NOTHROW
{
  /* Callers pass the negative value they got; accept both signs, and
   * negate in unsigned arithmetic so that LONG_MIN is harmless. */
  unsigned long e = err < 0 ? 0UL - (unsigned long)err : (unsigned long)err;

  if (e >= L4_EIPC_LO && e <= L4_EIPC_HI)
    return ipc_error_text(e - L4_EIPC_LO);

  switch (e)
    {
    case L4_EOK:           return "OK";
    case L4_EPERM:         return "Operation not permitted";
    case L4_ENOENT:        return "No such entity";
    case L4_EIO:           return "I/O error";
    case L4_ENXIO:         return "No such device or address";
    case L4_E2BIG:         return "Argument too big";
    case L4_EAGAIN:        return "Try again";
    case L4_ENOMEM:        return "Out of memory";
    case L4_EACCESS:       return "Permission denied";
    case L4_EFAULT:        return "Invalid address";
    case L4_EBUSY:         return "Object busy";
    case L4_EEXIST:        return "Already exists";
    case L4_ENODEV:        return "No such device";
    case L4_ENOTDIR:       return "Not a directory";
    case L4_EINVAL:        return "Invalid argument";
    case L4_ENOSPC:        return "No space left";
    case L4_ERANGE:        return "Out of range";
    case L4_ENAMETOOLONG:  return "Name too long";
    case L4_ENOSYS:        return "Operation not supported";
    case L4_EBADPROTO:     return "Unsupported protocol";
    case L4_EADDRNOTAVAIL: return "Address not available";
    case L4_ENOREPLY:      return "No reply";
    case L4_EMSGTOOSHORT:  return "Message too short";
    case L4_EMSGTOOLONG:   return "Message too long";
    case L4_EMSGMISSARG:   return "Message lacks an argument";
    case L4_EMSGERRRANGE:  return "Error code out of range";
    case L4_EDROPREPLY:    return "Reply dropped";
    default:               return "Unknown error";
    }
}
