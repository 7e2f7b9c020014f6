# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where a newly issued MFA secret goes before its enrolment is accepted: the task result, a private directory on
the host that runs the module, or a Vault / OpenBao KV v2 secret (written by the action plugin through
community.hashi_vault). The same names and data for all of them."""

from __future__ import annotations

import datetime
import importlib
import os
import re
import stat

DESTINATIONS = ("result", "directory", "vault")
VAULT_OPTIONS = ("vault_path", "vault_mount_point", "vault_options")


def secret_data(name, enrolment):
    """The data kept for an issued secret (also the KV v2 secret's keys)."""
    return {"user": name, "secret_key": enrolment["secretKey"], "otpauth_uri": enrolment["qrString"],
            "scratch_codes": [str(code) for code in enrolment.get("scratchCodes") or []]}


def destination_problems(params):
    """Problems of the destination options that need no request."""
    destination = params["secret_destination"]
    if destination != "vault":
        given = [option for option in VAULT_OPTIONS if params.get(option)]
        if given:
            yield "%s only apply to secret_destination=vault." % ", ".join(given)
    if destination != "directory" and params.get("secret_directory"):
        yield "secret_directory only applies to secret_destination=directory."
    if destination != "result" and params.get("qr_code_path"):
        yield ("qr_code_path only applies to secret_destination=result; secret_destination=%s keeps the secret "
               "itself." % destination)
    if destination == "directory":
        yield directory_problem(params.get("secret_directory"))
        yield file_name_problem(params["name"])


def vault_problems(params, path_example):
    """Problems of secret_destination=vault that need no request; path_example is a vault_path of the product's (the
    action plugin checks these: the module itself refuses secret_destination=vault first)."""
    if not params.get("vault_path"):
        yield ("secret_destination=vault needs vault_path, the KV v2 path of this user's secret (for example %s)."
               % path_example)
    if params.get("recreate"):
        yield ("recreate=true cannot keep the new secret in Vault before it replaces the active one: disable MFA "
               "(state=disabled) and enrol again to rotate a secret kept in Vault.")
    if params.get("code") or params.get("enrollment_token"):
        yield ("code and enrollment_token finish an enrolment whose secret is stored already: leave secret_destination "
               "at its default (result) for that step.")


def load_segno():
    """segno, or None when it is not installed. Imported only when a QR code is asked for: it costs ~25 ms per task."""
    try:
        return importlib.import_module("segno")
    except ImportError:
        return None


def directory_problem(directory):
    if not directory:
        return "secret_destination=directory needs secret_directory, the directory for <name>.secret.txt and <name>.png."
    if load_segno() is None:
        return "secret_destination=directory writes a QR code and needs segno: pip install segno."
    if os.path.lexists(directory):
        if not os.path.isdir(directory):
            return "secret_directory=%s exists and is not a directory." % directory
        mode = stat.S_IMODE(os.stat(directory).st_mode)
        if mode & 0o077:
            return ("secret_directory=%s can be read by other users (mode %04o): make it private with chmod 700, or "
                    "name a directory that does not exist yet (it is then created with mode 0700)." % (directory, mode))
    return None


# The longest name a file system takes (NAME_MAX), less the longest suffix written: ".secret.txt.new.<pid>.tmp".
MAX_FILE_NAME_BYTES = 255 - len(".secret.txt.new.4194304.tmp")


def file_name_problem(name):
    """Why the user name cannot name its files in secret_directory as it is (refused, not encoded), or None."""
    reason = None
    if name in (".", "..") or "/" in name or os.sep in name:
        reason = "it is not a plain file name (it holds a path separator, or is . or ..)"
    elif any(ord(char) < 32 or ord(char) == 127 for char in name):
        reason = "it holds a control character"
    elif len(name.encode("utf-8", "surrogateescape")) > MAX_FILE_NAME_BYTES:
        reason = "it is longer than %d bytes" % MAX_FILE_NAME_BYTES
    if reason is None:
        return None
    return ("name=%r cannot name the files <name>.secret.txt and <name>.png in secret_directory: %s. Nothing was sent "
            "to the appliance. Use secret_destination=vault (vault_path names the secret) or result for this user."
            % (name, reason))


def secret_text(data, product):
    issued = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["# MFA secret of the %s user %s, issued %s." % (product, data["user"], issued),
             "# The user scans %s.png with an authenticator app, or types in the secret key." % data["user"],
             "# Hand both over securely, then delete them. Each scratch code logs in once without the app.",
             "secret_key: %s" % data["secret_key"], "otpauth_uri: %s" % data["otpauth_uri"], "scratch_codes:"]
    lines.extend('  - "%s"' % code for code in data["scratch_codes"])
    return ("\n".join(lines) + "\n").encode()


def write_private(path, write):
    """Call write(handle) on a temporary file that is 0600 from its creation, then move it to path."""
    temp = "%s.%d.tmp" % (path, os.getpid())
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "wb") as target:
            write(target)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def write_qr_code(path, uri):
    write_private(path, lambda png: load_segno().make(uri, error="m").save(png, kind="png", scale=6))


def directory_paths(directory, name):
    """The files of name's secret: [<name>.secret.txt, <name>.png]."""
    return [os.path.join(directory, name + ".secret.txt"), os.path.join(directory, name + ".png")]


class SeedFiles:
    """The files of one user's secret in secret_directory. A new secret is staged beside the files of the secret in
    use, under names no user's files can have (<file>.new-<time>-<pid>), and swapped in only once its enrolment is
    accepted: a failure never removes or overwrites the files of a secret that may be in use."""

    def __init__(self, directory, name):
        self.directory, self.name = directory, name
        stamp = "%s-%d" % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S"), os.getpid())
        self.final = directory_paths(directory, name)
        self.staged = [path + ".new-" + stamp for path in self.final]

    def stage(self, data, product):
        """Write the staged files (directory created 0700; files 0600 from their creation). Nothing is left behind
        on failure. Raises OSError."""
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory, mode=0o700)
            os.chmod(self.directory, 0o700)
        text_path, png_path = self.staged
        try:
            write_private(text_path, lambda handle: handle.write(secret_text(data, product)))
            write_qr_code(png_path, data["otpauth_uri"])
        except Exception:
            for path in self.staged:
                if os.path.exists(path):
                    os.remove(path)
            raise

    def swap_in(self):
        """The staged files replace those of the previous secret. Raises OSError."""
        for staged, final in ((self.staged[0], self.final[0]), (self.staged[1], self.final[1])):
            os.replace(staged, final)

    def remove_obsolete(self):
        """After the new secret was swapped in: files staged by earlier runs whose confirmation failed hold no secret
        in use any more. -> the paths that could not be removed."""
        staged = re.compile(r"(%s)\.new-\d{8}T\d{6}-\d+" % "|".join(re.escape(os.path.basename(path)) for path in self.final))
        left = []
        for entry in os.listdir(self.directory):
            if staged.fullmatch(entry):
                try:
                    os.remove(os.path.join(self.directory, entry))
                except OSError:
                    left.append(os.path.join(self.directory, entry))
        return left
