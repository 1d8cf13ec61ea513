# apt and dpkg never ask questions during a build.
export DEBIAN_FRONTEND=noninteractive
