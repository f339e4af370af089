# escape=`
# syntax=docker/dockerfile:1

FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN New-Item -ItemType Directory C:\app ; `
    Set-Location C:\app
COPY app\ C:\app\
USER ContainerUser
CMD ["C:\\app\\run.exe"]
