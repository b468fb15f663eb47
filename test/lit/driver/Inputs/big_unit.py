"""big_unit.py FILE SIZE COUNT: a translation unit of about SIZE bytes (a long
comment) with COUNT functions the driver tests' check flags, flag_big_N."""
import sys

path, size, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    for i in range(count):
        f.write("void flag_big_%d() {}\n" % i)
    line = "// " + "x" * 76 + "\n"
    f.write(line * (size // len(line) + 1))
